"""`taocity city check` and `taocity city new`, driven through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from geo.coords import LatLng
from listings.types import Vertical
from marketplace.city import check_city, load_city
from marketplace.city.cli import city as city_cli

REFERENCE = Path(__file__).resolve().parents[2] / "cities" / "changzhou"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(city_cli, [str(a) for a in args])


def write_boundary(path: Path, west: float, south: float, east: float, north: float) -> Path:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    root = tmp_path / "cities"
    root.mkdir()
    return root


@pytest.fixture
def wuxi_boundary(tmp_path: Path) -> Path:
    return write_boundary(tmp_path / "wuxi.geojson", 120.15, 31.40, 120.55, 31.70)


def new_wuxi(dest: Path, boundary: Path, *extra: str) -> Result:
    return run(
        "new",
        "wuxi",
        "--from",
        REFERENCE,
        "--dest",
        dest,
        "--name-zh",
        "无锡",
        "--name-en",
        "Wuxi",
        "--center",
        "31.49,120.31",
        "--boundary",
        boundary,
        *extra,
    )


class TestCheck:
    def test_valid_city_prints_a_summary(self) -> None:
        result = run("check", REFERENCE)
        assert result.exit_code == 0, result.output
        assert result.output == (
            "常州 (changzhou): valid; 6 districts, 20 landmarks, 26 categories\n"
        )

    def test_invalid_city_prints_every_issue_and_exits_2(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken"
        shutil.copytree(REFERENCE, broken)
        toml = broken / "city.toml"
        text = toml.read_text().replace('currency = "CNY"', 'currency = "ABC"')
        toml.write_text(text.replace("tutoring = 10.0", "tutoring = 101"))
        (broken / "landmarks.geojson").unlink()
        result = run("check", broken)
        assert result.exit_code == 2
        assert result.output.splitlines() == [
            "city.toml: currency: unknown currency 'ABC'; use an ISO 4217 code like 'EUR'",
            "city.toml: commission.tutoring: must be between 0 and 100, got 101",
            "landmarks.geojson: (file): not found",
        ]

    def test_cancellation_problems_are_reported(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken"
        shutil.copytree(REFERENCE, broken)
        toml = broken / "city.toml"
        text = toml.read_text().replace('default_policy = "moderate"', 'default_policy = "soft"')
        toml.write_text(text.replace("late_fee_percent = 100", "late_fee_percent = 101"))
        result = run("check", broken)
        assert result.exit_code == 2
        assert result.output.splitlines() == [
            "city.toml: cancellation.policies.strict.late_fee_percent: "
            "must be between 0 and 100, got 101",
        ]
        toml.write_text(text)
        result = run("check", broken)
        assert result.exit_code == 2
        assert result.output.splitlines() == [
            "city.toml: cancellation.default_policy: "
            "'soft' is not one of the policies (flexible, moderate, strict)",
        ]

    def test_missing_directory_is_a_usage_error(self, tmp_path: Path) -> None:
        result = run("check", tmp_path / "nowhere")
        assert result.exit_code == 2
        assert "does not exist" in result.output


class TestNew:
    def test_new_city_with_its_own_boundary(self, dest: Path, wuxi_boundary: Path) -> None:
        result = new_wuxi(dest, wuxi_boundary)
        assert result.exit_code == 0, result.output
        assert "one district 'wuxi' covering the whole boundary" in result.output
        assert "dropped 20 landmark(s) outside the new boundary" in result.output

        city = load_city(dest / "wuxi")
        assert city.slug == "wuxi"
        assert city.name == {"zh-CN": "无锡", "en": "Wuxi"}
        assert city.center == LatLng(31.49, 120.31)
        assert [d.slug for d in city.area.districts] == ["wuxi"]
        assert city.area.districts[0].name == {"zh-CN": "无锡", "en": "Wuxi"}
        assert city.area.district_at(city.center).slug == "wuxi"
        assert city.landmarks == ()
        # Everything not overridden comes from the source.
        source = load_city(REFERENCE)
        assert city.categories == source.categories
        assert city.commission == source.commission
        assert city.cancellation == source.cancellation
        assert (city.currency, city.timezone, city.locales) == (
            "CNY",
            "Asia/Shanghai",
            ("zh-CN", "en"),
        )
        assert run("check", dest / "wuxi").exit_code == 0

    def test_default_destination_is_next_to_the_source(self, tmp_path: Path) -> None:
        source = tmp_path / "cities" / "origin"
        shutil.copytree(REFERENCE, source)
        result = run("new", "copy", "--from", source, "--name-zh", "副本", "--name-en", "Copy")
        assert result.exit_code == 0, result.output
        assert check_city(tmp_path / "cities" / "copy") == []

    def test_without_a_boundary_the_geography_is_copied(self, dest: Path) -> None:
        result = run(
            "new",
            "twin",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--name-zh",
            "双城",
            "--name-en",
            "Twin",
        )
        assert result.exit_code == 0, result.output
        twin, source = load_city(dest / "twin"), load_city(REFERENCE)
        assert [d.slug for d in twin.area.districts] == [d.slug for d in source.area.districts]
        assert twin.landmarks == source.landmarks
        assert twin.display_name("en") == "Twin"

    def test_a_larger_boundary_keeps_districts_and_landmarks(
        self, dest: Path, tmp_path: Path
    ) -> None:
        wide = write_boundary(tmp_path / "wide.geojson", 119.0, 31.0, 120.3, 32.2)
        result = run(
            "new",
            "wide",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--boundary",
            wide,
            "--name-zh",
            "大城",
            "--name-en",
            "Wide",
        )
        assert result.exit_code == 0, result.output
        assert "note:" not in result.output
        city = load_city(dest / "wide")
        assert len(city.area.districts) == 6
        assert len(city.landmarks) == 20

    def test_landmarks_outside_a_smaller_boundary_are_dropped(
        self, dest: Path, tmp_path: Path
    ) -> None:
        # Roughly the old town and the south: cuts across districts, keeps some landmarks.
        part = write_boundary(tmp_path / "part.geojson", 119.90, 31.65, 120.05, 31.80)
        result = run(
            "new",
            "part",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--boundary",
            part,
            "--name-zh",
            "局部",
            "--name-en",
            "Part",
        )
        assert result.exit_code == 0, result.output
        city = load_city(dest / "part")
        assert [d.slug for d in city.area.districts] == ["part"]
        kept = {lm.slug for lm in city.landmarks}
        assert {"changzhou-station", "nandajie", "global-joyland"} <= kept
        assert "tianmu-lake" not in kept and "changzhou-north-station" not in kept
        assert f"dropped {20 - len(kept)} landmark(s)" in result.output

    def test_other_settings_are_overridden(self, dest: Path, wuxi_boundary: Path) -> None:
        result = new_wuxi(dest, wuxi_boundary, "--currency", "HKD", "--timezone", "Asia/Hong_Kong")
        assert result.exit_code == 0, result.output
        city = load_city(dest / "wuxi")
        assert (city.currency, city.timezone) == ("HKD", "Asia/Hong_Kong")

    def test_fewer_locales_drop_the_other_names(self, dest: Path) -> None:
        result = run(
            "new",
            "solo",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--locale",
            "zh-CN",
            "--name-zh",
            "独城",
        )
        assert result.exit_code == 0, result.output
        city = load_city(dest / "solo")
        assert city.locales == ("zh-CN",)
        assert city.name == {"zh-CN": "独城"}
        assert city.category(Vertical.TUTORING, "math").name == {"zh-CN": "数学"}
        assert city.area.district("wujin").name == {"zh-CN": "武进区"}
        assert city.cancellation.policies["strict"].name == {"zh-CN": "严格"}

    def test_a_new_locale_gets_placeholders_and_a_note(self, dest: Path) -> None:
        result = run(
            "new",
            "tri",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--locale",
            "en",
            "--locale",
            "zh-CN",
            "--locale",
            "ja",
            "--name-en",
            "Tri",
            "--name-zh",
            "三城",
            "--name",
            "ja=三都",
        )
        assert result.exit_code == 0, result.output
        assert "for locale 'ja' were copied from 'zh-CN'; translate them" in result.output
        city = load_city(dest / "tri")
        assert city.default_locale == "en"
        assert city.name == {"en": "Tri", "zh-CN": "三城", "ja": "三都"}
        assert city.category(Vertical.RESTAURANT, "noodles").name["ja"] == "面馆"
        assert city.cancellation.policies["flexible"].name == {
            "en": "Flexible",
            "zh-CN": "灵活",
            "ja": "灵活",
        }

    def test_existing_destination_is_refused(self, dest: Path, wuxi_boundary: Path) -> None:
        (dest / "wuxi").mkdir()
        (dest / "wuxi" / "keep.txt").write_text("mine")
        result = new_wuxi(dest, wuxi_boundary)
        assert result.exit_code == 2
        assert "already exists" in result.output
        assert [p.name for p in (dest / "wuxi").iterdir()] == ["keep.txt"]

    def test_center_outside_the_new_boundary_leaves_nothing(
        self, dest: Path, wuxi_boundary: Path
    ) -> None:
        result = run(
            "new",
            "wuxi",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--boundary",
            wuxi_boundary,
            "--name-zh",
            "无锡",
            "--name-en",
            "Wuxi",
            "--center",
            "31.78,119.97",
        )
        assert result.exit_code == 2
        assert "city.toml: center: outside the city boundary (boundary.geojson)" in result.output
        assert list(dest.iterdir()) == []

    def test_invalid_override_is_reported_per_field(self, dest: Path, wuxi_boundary: Path) -> None:
        result = new_wuxi(dest, wuxi_boundary, "--currency", "ABC")
        assert result.exit_code == 2
        assert "city.toml: currency: unknown currency 'ABC'" in result.output
        assert list(dest.iterdir()) == []

    @pytest.mark.parametrize("slug", ["Wuxi", "9city", "x", "wu_xi", "a" * 41])
    def test_bad_slug(self, slug: str, dest: Path) -> None:
        result = run(
            "new", slug, "--from", REFERENCE, "--dest", dest, "--name-zh", "城", "--name-en", "C"
        )
        assert result.exit_code == 2
        assert "slug" in result.output
        assert list(dest.iterdir()) == []

    def test_the_name_is_required_in_every_locale(self, dest: Path) -> None:
        result = run(
            "new", "nameless", "--from", REFERENCE, "--dest", dest, "--name-en", "Nameless"
        )
        assert result.exit_code == 2
        assert "needs a name for locale 'zh-CN'" in result.output
        assert list(dest.iterdir()) == []

    def test_bad_center_is_a_usage_error(self, dest: Path) -> None:
        result = run("new", "c", "--from", REFERENCE, "--dest", dest, "--center", "95,120")
        assert result.exit_code == 2
        assert "lat: must be between -90 and 90, got 95" in result.output

    def test_bad_boundary_file(self, dest: Path, tmp_path: Path) -> None:
        bad = tmp_path / "bad.geojson"
        bad.write_text('{"type": "Polygon", "coordinates": [[[120, 31], [121, 31], [120, 31]]]}')
        result = run(
            "new",
            "bad",
            "--from",
            REFERENCE,
            "--dest",
            dest,
            "--boundary",
            bad,
            "--name-zh",
            "坏",
            "--name-en",
            "Bad",
        )
        assert result.exit_code == 2
        assert (
            "bad.geojson: coordinates[0]: a ring needs at least 4 positions, got 3" in result.output
        )
        assert list(dest.iterdir()) == []

    def test_invalid_source_is_refused(self, dest: Path, tmp_path: Path) -> None:
        source = tmp_path / "source"
        shutil.copytree(REFERENCE, source)
        (source / "districts.geojson").unlink()
        result = run(
            "new", "next", "--from", source, "--dest", dest, "--name-zh", "下", "--name-en", "Next"
        )
        assert result.exit_code == 2
        assert "does not validate" in result.output
        assert "districts.geojson: (file): not found" in result.output
        assert list(dest.iterdir()) == []
