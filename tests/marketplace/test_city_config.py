"""Loading a city directory: the reference city, and one broken copy per kind of mistake."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import tomli_w
from pydantic import ValidationError

from geo.coords import LatLng
from listings.types import Vertical
from marketplace.city import City, CityConfigError, ConfigIssue, check_city, field_path, load_city
from marketplace.errors import MarketplaceError

REFERENCE = Path(__file__).resolve().parents[2] / "cities" / "changzhou"

EXPECTED_DISTRICT = {
    "changzhou-station": "tianning",
    "changzhou-north-station": "xinbei",
    "nandajie": "zhonglou",
    "dinosaur-park": "xinbei",
    "hongmei-park": "tianning",
    "tianning-temple": "tianning",
    "qingguo-lane": "zhonglou",
    "yancheng-park": "wujin",
    "global-joyland": "wujin",
    "changzhou-university": "wujin",
    "wujin-wanda-plaza": "wujin",
    "hua-luogeng-park": "jintan",
    "maoshan": "jintan",
    "tianmu-lake": "liyang",
    "nanshan-bamboo-sea": "liyang",
    "liyang-station": "liyang",
    "xinbei-wanda-plaza": "xinbei",
    "olympic-sports-centre": "tianning",
    "west-taihu": "wujin",
    "e120-scenic-area": "tianning",
}

CATEGORY_SLUGS = {
    Vertical.RESTAURANT: ["noodles", "hotpot", "local", "snacks", "bbq", "cafe", "fastfood"],
    Vertical.HOUSEKEEPING: [
        "cleaning",
        "deep_cleaning",
        "maternity",
        "nanny",
        "appliance",
        "moving",
    ],
    Vertical.TUTORING: ["math", "english", "chinese", "physics", "music", "art", "programming"],
    Vertical.SHOP: ["grocery", "convenience", "bakery", "pharmacy", "flowers", "fruit"],
}


@pytest.fixture(scope="module")
def city() -> City:
    return load_city(REFERENCE)


class TestReferenceCity:
    def test_it_validates(self) -> None:
        assert check_city(REFERENCE) == []

    def test_identity(self, city: City) -> None:
        assert city.slug == "changzhou"
        assert city.name == {"zh-CN": "常州", "en": "Changzhou"}
        assert (city.country, city.timezone, city.currency) == ("CN", "Asia/Shanghai", "CNY")
        assert city.locales == ("zh-CN", "en")
        assert city.default_locale == "zh-CN"
        assert city.tz == ZoneInfo("Asia/Shanghai")
        assert city.minor_units == 2
        assert city.display_name() == "常州"
        assert city.display_name("en") == "Changzhou"
        assert city.display_name("en-US") == "Changzhou"

    def test_six_districts_tile_the_boundary(self, city: City) -> None:
        slugs = [d.slug for d in city.area.districts]
        assert slugs == ["tianning", "zhonglou", "xinbei", "wujin", "jintan", "liyang"]
        union_area = sum(d.polygon.area for d in city.area.districts)
        assert union_area == pytest.approx(city.area.boundary.area, rel=0.01)
        assert city.area.district("wujin").display_name("zh-CN") == "武进区"

    def test_center_is_inside(self, city: City) -> None:
        assert city.area.contains(city.center)
        assert city.center == LatLng(31.7787, 119.9740)

    def test_every_landmark_is_in_its_district(self, city: City) -> None:
        assert {lm.slug: lm.district for lm in city.landmarks} == EXPECTED_DISTRICT
        for landmark in city.landmarks:
            assert city.area.contains(landmark.point)
            assert city.area.district_at(landmark.point).slug == EXPECTED_DISTRICT[landmark.slug]
        assert city.landmark("nandajie").display_name("zh-CN") == "南大街"

    def test_categories(self, city: City) -> None:
        found = {v: [c.slug for c in entries] for v, entries in city.categories.items()}
        assert found == CATEGORY_SLUGS
        noodles = city.category(Vertical.RESTAURANT, "noodles")
        assert noodles.name == {"zh-CN": "面馆", "en": "Noodles"}
        assert noodles.display_name("en") == "Noodles"
        assert city.category(Vertical.SHOP, "noodles") is None

    def test_money_and_services(self, city: City) -> None:
        assert city.commission == {
            Vertical.RESTAURANT: Decimal("6"),
            Vertical.HOUSEKEEPING: Decimal("12"),
            Vertical.TUTORING: Decimal("10"),
            Vertical.SHOP: Decimal("5"),
        }
        assert city.payments.providers == ("stripe", "pay_at_store")
        assert city.payments.default_provider == "pay_at_store"
        assert city.payments.stripe_methods == ("card", "alipay", "wechat_pay")
        assert city.search.default_radius_m == 3000
        assert city.map.default_zoom == 13
        assert "{z}" in city.map.tile_url

    def test_is_immutable(self, city: City) -> None:
        with pytest.raises(ValidationError):
            city.slug = "elsewhere"


# --- broken copies -------------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "city"
    shutil.copytree(REFERENCE, target)
    return target


def edit_toml(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / "city.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def edit_json(root: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def feature_index(document: dict[str, Any], slug: str) -> int:
    slugs = [f["properties"]["slug"] for f in document["features"]]
    return slugs.index(slug)


def issues_of(root: Path) -> list[str]:
    return [str(issue) for issue in check_city(root)]


def test_malformed_toml(copy: Path) -> None:
    path = copy / "city.toml"
    path.write_text(path.read_text().replace('currency = "CNY"', 'currency = "CNY'))
    assert issues_of(copy) == [
        "city.toml: (syntax): Illegal character '\\n' (at line 7, column 16)"
    ]


def test_missing_city_toml(copy: Path) -> None:
    (copy / "city.toml").unlink()
    assert issues_of(copy) == ["city.toml: (file): not found"]


def test_missing_referenced_file(copy: Path) -> None:
    (copy / "boundary.geojson").unlink()
    assert issues_of(copy) == ["boundary.geojson: (file): not found"]


def test_bad_json(copy: Path) -> None:
    (copy / "landmarks.geojson").write_text('{"type": "FeatureCollection",,}')
    assert issues_of(copy) == [
        "landmarks.geojson: (syntax): Expecting property name enclosed in double quotes: "
        "line 1 column 30 (char 29)"
    ]


def test_unknown_locale(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(locales=["zh-CN", "xx-YY"]))
    assert issues_of(copy) == ["city.toml: locales[1]: unknown locale 'xx-YY'"]


def test_locale_with_underscore(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(locales=["zh_CN", "en"]))
    assert issues_of(copy) == [
        "city.toml: locales[0]: 'zh_CN' is not a BCP-47 language tag such as 'zh-CN' or 'en'"
    ]


def test_unknown_currency(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(currency="ABC"))
    assert issues_of(copy) == [
        "city.toml: currency: unknown currency 'ABC'; use an ISO 4217 code like 'EUR'"
    ]


def test_bad_timezone(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(timezone="Asia/Atlantis"))
    assert issues_of(copy) == [
        "city.toml: timezone: unknown time zone 'Asia/Atlantis'; "
        "use an IANA name like 'Europe/Paris'"
    ]


def test_unknown_country(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(country="XX"))
    assert issues_of(copy) == [
        "city.toml: country: unknown country 'XX'; use an ISO 3166-1 alpha-2 code like 'FR'"
    ]


def test_latitude_91_in_boundary(copy: Path) -> None:
    def poke(document: dict[str, Any]) -> None:
        document["features"][0]["geometry"]["coordinates"][0][2][1] = 91

    edit_json(copy, "boundary.geojson", poke)
    assert issues_of(copy) == [
        "boundary.geojson: features[0].geometry.coordinates[0][2]: "
        "lat: must be between -90 and 90, got 91"
    ]


def test_bow_tie_boundary(copy: Path) -> None:
    bow_tie = [[[119.1, 31.1], [120.2, 32.1], [120.2, 31.1], [119.1, 32.1], [119.1, 31.1]]]
    edit_json(
        copy,
        "boundary.geojson",
        lambda d: d["features"][0].update(geometry={"type": "Polygon", "coordinates": bow_tie}),
    )
    assert issues_of(copy) == [
        "boundary.geojson: features[0].geometry: not valid: Self-intersection[119.65 31.6]"
    ]


def test_district_outside_the_boundary(copy: Path) -> None:
    def move_east(document: dict[str, Any]) -> None:
        i = feature_index(document, "liyang")
        ring = document["features"][i]["geometry"]["coordinates"][0]
        document["features"][i]["geometry"]["coordinates"][0] = [[x + 2, y] for x, y in ring]

    edit_json(copy, "districts.geojson", move_east)
    assert issues_of(copy) == [
        "districts.geojson: features[5].geometry: lies outside the boundary (100.0% of its area)"
    ]


def test_district_slightly_outside_is_tolerated(copy: Path) -> None:
    def nudge(document: dict[str, Any]) -> None:
        ring = document["features"][feature_index(document, "liyang")]["geometry"]["coordinates"]
        ring[0] = [[x - 0.0005, y] for x, y in ring[0]]

    edit_json(copy, "districts.geojson", nudge)
    assert issues_of(copy) == []


def test_district_problems(copy: Path) -> None:
    def spoil(document: dict[str, Any]) -> None:
        document["features"][1]["properties"]["slug"] = "tianning"
        del document["features"][2]["properties"]["name"]["en"]
        document["features"][3]["properties"]["name"]["fr"] = "Wujin"

    edit_json(copy, "districts.geojson", spoil)
    assert issues_of(copy) == [
        "districts.geojson: features[1].properties.slug: "
        "duplicate slug 'tianning' (also features[0])",
        "districts.geojson: features[2].properties.name.en: "
        "missing: every locale in `locales` needs a name",
        "districts.geojson: features[3].properties.name.fr: "
        "not one of the city's locales (zh-CN, en)",
    ]


def test_overlapping_districts(copy: Path) -> None:
    def duplicate(document: dict[str, Any]) -> None:
        twin = json.loads(json.dumps(document["features"][0]))
        twin["properties"]["slug"] = "twin"
        document["features"].append(twin)

    edit_json(copy, "districts.geojson", duplicate)
    assert issues_of(copy) == [
        "districts.geojson: features[6].geometry: overlaps features[0] (100.0% of the smaller one)"
    ]


def test_missing_category_name_for_a_locale(copy: Path) -> None:
    edit_toml(copy, lambda d: d["categories"]["shop"][1]["name"].pop("en"))
    assert issues_of(copy) == [
        "city.toml: categories.shop[1].name.en: missing: every locale in `locales` needs a name"
    ]


def test_missing_city_name_for_a_locale(copy: Path) -> None:
    edit_toml(copy, lambda d: d["name"].pop("zh-CN"))
    assert issues_of(copy) == [
        "city.toml: name.zh-CN: missing: every locale in `locales` needs a name"
    ]


def test_commission_over_100(copy: Path) -> None:
    edit_toml(copy, lambda d: d["commission"].update(tutoring=150))
    assert issues_of(copy) == ["city.toml: commission.tutoring: must be between 0 and 100, got 150"]


def test_commission_with_three_decimals_and_a_missing_vertical(copy: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["commission"]["restaurant"] = 6.125
        del data["commission"]["shop"]

    edit_toml(copy, spoil)
    assert issues_of(copy) == [
        "city.toml: commission.restaurant: must have at most 2 decimal places, got 6.125"
    ]
    edit_toml(copy, lambda d: d["commission"].update(restaurant=6.12))
    assert issues_of(copy) == [
        "city.toml: commission.shop: required: every vertical needs a commission"
    ]


def test_reference_cancellation_policies(city: City) -> None:
    settings = city.cancellation
    assert (settings.hold_minutes, settings.reminder_hours) == (10, 24)
    assert settings.default_policy == "moderate"
    terms = {
        slug: (p.free_until_hours, p.late_fee_percent) for slug, p in settings.policies.items()
    }
    assert terms == {
        "flexible": (2, Decimal(50)),
        "moderate": (24, Decimal(50)),
        "strict": (48, Decimal(100)),
    }
    assert settings.policies["flexible"].name == {"zh-CN": "灵活", "en": "Flexible"}


def test_missing_cancellation_table(copy: Path) -> None:
    edit_toml(copy, lambda d: d.pop("cancellation"))
    assert issues_of(copy) == [
        "city.toml: cancellation: required: a [cancellation] table with default_policy and at "
        "least one [cancellation.policies.<slug>] table "
        "(name, free_until_hours, late_fee_percent)"
    ]


def test_cancellation_defaults(copy: Path) -> None:
    def strip(data: dict[str, Any]) -> None:
        del data["cancellation"]["hold_minutes"], data["cancellation"]["reminder_hours"]

    edit_toml(copy, strip)
    assert load_city(copy).cancellation.hold_minutes == 10
    assert load_city(copy).cancellation.reminder_hours == 24


def test_cancellation_default_policy_must_be_a_policy(copy: Path) -> None:
    edit_toml(copy, lambda d: d["cancellation"].update(default_policy="lenient"))
    assert issues_of(copy) == [
        "city.toml: cancellation.default_policy: "
        "'lenient' is not one of the policies (flexible, moderate, strict)"
    ]


def test_cancellation_policy_problems(copy: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        policies = data["cancellation"]["policies"]
        policies["flexible"]["name"].pop("en")
        policies["moderate"]["late_fee_percent"] = 101
        policies["strict"]["free_until_hours"] = -1

    edit_toml(copy, spoil)
    assert issues_of(copy) == [
        "city.toml: cancellation.policies.moderate.late_fee_percent: "
        "must be between 0 and 100, got 101",
        "city.toml: cancellation.policies.strict.free_until_hours: "
        "input should be greater than or equal to 0",
    ]
    # names are checked once the policies themselves are valid
    edit_toml(copy, lambda d: d["cancellation"]["policies"]["moderate"].update(late_fee_percent=50))
    edit_toml(copy, lambda d: d["cancellation"]["policies"]["strict"].update(free_until_hours=48))
    assert issues_of(copy) == [
        "city.toml: cancellation.policies.flexible.name.en: "
        "missing: every locale in `locales` needs a name"
    ]


def test_cancellation_ranges(copy: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["cancellation"].update(hold_minutes=61, reminder_hours=1)
        data["cancellation"]["policies"]["strict"].update(
            free_until_hours=721, late_fee_percent=12.345
        )
        data["cancellation"]["policies"]["Bad Slug"] = data["cancellation"]["policies"]["flexible"]

    edit_toml(copy, spoil)
    assert issues_of(copy) == [
        "city.toml: cancellation.hold_minutes: input should be less than or equal to 60",
        "city.toml: cancellation.reminder_hours: input should be greater than or equal to 2",
        "city.toml: cancellation.policies.strict.free_until_hours: "
        "input should be less than or equal to 720",
        "city.toml: cancellation.policies.strict.late_fee_percent: "
        "must have at most 2 decimal places, got 12.345",
        "city.toml: cancellation.policies.Bad Slug: "
        "'Bad Slug' is not a valid policy slug (a-z, 0-9, _)",
    ]


def test_cancellation_needs_a_policy(copy: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["cancellation"]["policies"] = {}

    edit_toml(copy, spoil)
    found = issues_of(copy)
    assert found[0].startswith("city.toml: cancellation.policies: dictionary should have at least")


def test_duplicate_category_slug(copy: Path) -> None:
    edit_toml(copy, lambda d: d["categories"]["restaurant"][3].update(slug="noodles"))
    assert issues_of(copy) == [
        "city.toml: categories.restaurant[3].slug: duplicate slug 'noodles' (also at [0])"
    ]


def test_vertical_without_categories(copy: Path) -> None:
    edit_toml(copy, lambda d: d["categories"].pop("tutoring"))
    assert issues_of(copy) == [
        "city.toml: categories.tutoring: required: every vertical needs at least one category"
    ]


def test_center_outside_the_boundary(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(center={"lat": 31.49, "lng": 120.31}))
    assert issues_of(copy) == ["city.toml: center: outside the city boundary (boundary.geojson)"]


def test_center_latitude_out_of_range(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(center={"lat": 91, "lng": 120}))
    assert issues_of(copy) == ["city.toml: center.lat: must be between -90 and 90, got 91"]


def test_settings_shape(copy: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["search"] = {"default_radius": 3000, "max_radius_m": 50}
        data["payments"].update(providers=["stripe", "paypal"], stripe_methods=[])
        data["map"]["tile_url"] = "https://tiles.example.org/{z}/{x}.png"

    edit_toml(copy, spoil)
    assert issues_of(copy) == [
        "city.toml: search.max_radius_m: input should be greater than or equal to 100",
        "city.toml: search.default_radius: unknown field",
        "city.toml: payments.providers[1]: input should be 'stripe' or 'pay_at_store'",
        "city.toml: map.tile_url: must contain {y}",
    ]


def test_payment_consistency(copy: Path) -> None:
    edit_toml(copy, lambda d: d["payments"].update(providers=["stripe"], stripe_methods=[]))
    assert issues_of(copy) == [
        "city.toml: payments.default_provider: 'pay_at_store' is not in providers",
        "city.toml: payments.stripe_methods: "
        "must name at least one method when stripe is a provider",
    ]


def test_landmark_outside_and_duplicated(copy: Path) -> None:
    def spoil(document: dict[str, Any]) -> None:
        document["features"][0]["geometry"]["coordinates"] = [121.5, 31.2]
        document["features"][2]["properties"]["slug"] = document["features"][1]["properties"][
            "slug"
        ]

    edit_json(copy, "landmarks.geojson", spoil)
    assert issues_of(copy) == [
        "landmarks.geojson: features[2].properties.slug: "
        "duplicate slug 'changzhou-north-station' (also features[1])",
        "landmarks.geojson: features[0].geometry: outside the city boundary",
    ]


def test_every_file_is_checked_in_one_pass(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(currency="ABC", timezone="Nowhere"))
    (copy / "districts.geojson").write_text("[")
    edit_json(
        copy, "landmarks.geojson", lambda d: d["features"][0]["properties"].update(slug="Bad!")
    )
    found = check_city(copy)
    assert [(i.file, i.field) for i in found] == [
        ("city.toml", "timezone"),
        ("city.toml", "currency"),
        ("districts.geojson", "(syntax)"),
        ("landmarks.geojson", "features[0].properties.slug"),
    ]


def test_load_city_raises_with_every_issue(copy: Path) -> None:
    edit_toml(copy, lambda d: d.update(currency="ABC", locales=["zh-CN", "xx-YY"]))
    with pytest.raises(CityConfigError) as caught:
        load_city(copy)
    assert isinstance(caught.value, MarketplaceError)
    assert [str(i) for i in caught.value.issues] == issues_of(copy)
    assert len(caught.value.issues) == 2
    assert "city.toml: currency: unknown currency 'ABC'" in caught.value.message


def test_issue_text() -> None:
    issue = ConfigIssue("city.toml", "commission.tutoring", "must be between 0 and 100, got 150")
    assert str(issue) == "city.toml: commission.tutoring: must be between 0 and 100, got 150"


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("center",), "center"),
        (("locales", 1), "locales[1]"),
        (("categories", "shop", 1, "name", "en"), "categories.shop[1].name.en"),
        (("commission", "food", "[key]"), "commission.food"),
        ((), "(file)"),
    ],
)
def test_field_path(loc: tuple[str | int, ...], path: str) -> None:
    assert field_path(loc) == path
