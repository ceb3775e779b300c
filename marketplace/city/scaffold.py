"""`taocity city new`: start a city directory from an existing one.

The new directory is written under a temporary name next to its destination and renamed only
once the loader accepts it, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from shapely.geometry import mapping

from geo.areas import (
    OUTSIDE_TOLERANCE,
    CityArea,
    GeoProblem,
    Polygonal,
    boundary_from_geojson,
    share_outside,
)
from geo.coords import LatLng
from marketplace.city.loader import CITY_FILE, CityConfigError, ConfigIssue, check_city, load_city
from marketplace.city.schema import City
from marketplace.errors import MarketplaceError

NEW_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


class ScaffoldError(MarketplaceError):
    """`city new` refused or its result did not validate; `issues` says why, file by file."""

    code = "city_new_failed"

    def __init__(self, message: str, issues: list[ConfigIssue] | None = None) -> None:
        super().__init__(message)
        self.issues = list(issues or [])


@dataclass(frozen=True)
class NewCity:
    """What to write. `names` maps a locale tag ("zh-CN") or a bare language ("zh") to the new
    city's name; `locales`, when given, replaces the source's list."""

    slug: str
    source: Path
    dest_root: Path | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    center: LatLng | None = None
    boundary: Path | None = None
    currency: str | None = None
    timezone: str | None = None
    locales: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Written:
    path: Path
    notes: tuple[str, ...]


def _language(tag: str) -> str:
    return tag.split("-")[0].lower()


def _city_names(given: Mapping[str, str], locales: tuple[str, ...]) -> dict[str, str]:
    """One name per locale from exact tags or bare languages; the city's name is never guessed."""
    unused = [key for key in given if key not in locales and key not in map(_language, locales)]
    if unused:
        raise ScaffoldError(
            f"a name was given for {', '.join(unused)}, which is not in locales "
            f"({', '.join(locales)})"
        )
    names: dict[str, str] = {}
    for tag in locales:
        text = given.get(tag, given.get(_language(tag)))
        if not text or not text.strip():
            raise ScaffoldError(
                f"the new city needs a name for locale {tag!r} "
                f"(--name-{_language(tag)} TEXT or --name {tag}=TEXT)"
            )
        names[tag] = text.strip()
    return names


class _Relocalizer:
    """Keeps names for the new locales only; a locale the source lacks gets the default
    locale's text as a placeholder, counted so the operator is told to translate it."""

    def __init__(self, source_locales: list[str], locales: tuple[str, ...]) -> None:
        self.source_default = source_locales[0]
        self.locales = locales
        self.filled: dict[str, int] = {}

    def __call__(self, names: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for tag in self.locales:
            if tag in names:
                out[tag] = names[tag]
            else:
                out[tag] = names.get(self.source_default, next(iter(names.values()), ""))
                self.filled[tag] = self.filled.get(tag, 0) + 1
        return out

    def features(self, document: dict[str, Any]) -> dict[str, Any]:
        features = []
        for feature in document.get("features", []):
            properties = dict(feature.get("properties") or {})
            if isinstance(properties.get("name"), dict):
                properties["name"] = self(properties["name"])
            features.append({**feature, "properties": properties})
        return {**document, "features": features}

    def notes(self) -> list[str]:
        return [
            f"{count} name(s) for locale {tag!r} were copied from {self.source_default!r}; "
            "translate them"
            for tag, count in self.filled.items()
        ]


def geojson_text(document: dict[str, Any]) -> str:
    """A FeatureCollection with one feature per line: readable, and diffs stay per feature."""
    lines = ["{"]
    lines += [
        f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},"
        for key, value in document.items()
        if key != "features"
    ]
    features = [f"    {json.dumps(f, ensure_ascii=False)}" for f in document.get("features", [])]
    lines += ['  "features": [', ",\n".join(features), "  ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _new_boundary(path: Path) -> Polygonal:
    if not path.is_file():
        raise ScaffoldError(f"boundary file {path} not found")
    problems: list[GeoProblem] = []
    try:
        shape = boundary_from_geojson(_read_json(path), problems)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(GeoProblem("(syntax)", str(exc)))
        shape = None
    if shape is None:
        issues = [ConfigIssue(path.name, p.field or "(file)", p.reason) for p in problems]
        raise ScaffoldError(f"boundary file {path} is not a usable boundary", issues)
    return shape


def _source(path: Path) -> tuple[City, dict[str, Any]]:
    try:
        city = load_city(path)
    except CityConfigError as exc:
        raise ScaffoldError(f"the source city {path} does not validate", exc.issues) from None
    return city, tomllib.loads((path / CITY_FILE).read_text(encoding="utf-8"))


def _destination(request: NewCity) -> Path:
    if not NEW_SLUG.match(request.slug):
        raise ScaffoldError(
            f"slug {request.slug!r} must be 2-40 characters: a-z first, then a-z, 0-9 or -"
        )
    root = request.dest_root if request.dest_root is not None else request.source.parent
    if not root.is_dir():
        raise ScaffoldError(f"destination root {root} is not a directory")
    dest = root / request.slug
    if dest.exists():
        raise ScaffoldError(f"{dest} already exists; choose another slug or remove it first")
    return dest


def _settings(
    raw: dict[str, Any], request: NewCity, locales: tuple[str, ...], relocalize: _Relocalizer
) -> dict[str, Any]:
    settings = dict(raw)
    settings["slug"] = request.slug
    settings["locales"] = list(locales)
    settings["name"] = _city_names(request.names, locales)
    if request.center is not None:
        settings["center"] = {"lat": request.center.lat, "lng": request.center.lng}
    if request.currency is not None:
        settings["currency"] = request.currency
    if request.timezone is not None:
        settings["timezone"] = request.timezone
    categories = raw.get("categories", {})
    settings["categories"] = {
        vertical: [{**c, "name": relocalize(c.get("name", {}))} for c in entries]
        for vertical, entries in categories.items()
    }
    cancellation = raw.get("cancellation", {})
    settings["cancellation"] = {
        **cancellation,
        "policies": {
            slug: {**policy, "name": relocalize(policy.get("name", {}))}
            for slug, policy in cancellation.get("policies", {}).items()
        },
    }
    return settings


def _districts(
    document: dict[str, Any],
    request: NewCity,
    city: City,
    names: dict[str, str],
    new_boundary: Polygonal | None,
    notes: list[str],
) -> dict[str, Any]:
    if new_boundary is None or all(
        share_outside(d.polygon, new_boundary) <= OUTSIDE_TOLERANCE for d in city.area.districts
    ):
        return document
    # The source's districts describe another place; one district for the whole city keeps
    # the new one loadable until its real districts are drawn.
    notes.append(
        f"the source's districts do not fit the new boundary; wrote one district "
        f"{request.slug!r} covering the whole boundary"
    )
    whole = {"type": "Feature", "properties": {"slug": request.slug, "name": names}}
    return {"type": "FeatureCollection", "features": [{**whole, "geometry": mapping(new_boundary)}]}


def _landmarks(
    document: dict[str, Any], new_boundary: Polygonal | None, notes: list[str]
) -> dict[str, Any]:
    if new_boundary is None:
        return document
    area = CityArea(new_boundary)
    kept = [
        feature
        for feature in document["features"]
        if area.contains(LatLng.from_geojson(feature["geometry"]["coordinates"]))
    ]
    dropped = len(document["features"]) - len(kept)
    if dropped:
        notes.append(f"dropped {dropped} landmark(s) outside the new boundary")
    return {**document, "features": kept}


def _write_files(work: Path, request: NewCity, city: City, raw: dict[str, Any]) -> list[str]:
    """Write every file of the new city into `work`; returns what the operator should know."""
    source = request.source
    notes: list[str] = []
    locales = request.locales or tuple(raw["locales"])
    relocalize = _Relocalizer(list(raw["locales"]), locales)
    settings = _settings(raw, request, locales, relocalize)

    boundary_name = settings.get("boundary", "boundary.geojson")
    new_boundary = None
    if request.boundary is not None:
        new_boundary = _new_boundary(request.boundary)
        shutil.copyfile(request.boundary, work / boundary_name)
    else:
        shutil.copyfile(source / boundary_name, work / boundary_name)

    districts_name = settings.get("districts", "districts.geojson")
    districts = relocalize.features(_read_json(source / districts_name))
    districts = _districts(districts, request, city, settings["name"], new_boundary, notes)
    (work / districts_name).write_text(geojson_text(districts), encoding="utf-8")

    landmarks_name = settings.get("landmarks")
    if landmarks_name:
        landmarks = relocalize.features(_read_json(source / landmarks_name))
        landmarks = _landmarks(landmarks, new_boundary, notes)
        (work / landmarks_name).write_text(geojson_text(landmarks), encoding="utf-8")

    header = f"# Started with `taocity city new` from {source.name}/{CITY_FILE}.\n"
    (work / CITY_FILE).write_text(header + tomli_w.dumps(settings), encoding="utf-8")
    return notes + relocalize.notes()


def new_city(request: NewCity) -> Written:
    """Write the city `request` describes, or raise `ScaffoldError` leaving nothing behind."""
    dest = _destination(request)
    city, raw = _source(request.source)
    work = Path(tempfile.mkdtemp(prefix=f".{request.slug}-", dir=dest.parent))
    try:
        notes = _write_files(work, request, city, raw)
        issues = check_city(work)
        if issues:
            raise ScaffoldError(f"the new city {request.slug!r} does not validate", issues)
        # mkdtemp makes the directory private; a city directory is ordinary project data.
        work.chmod(0o755)
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Written(path=dest, notes=tuple(notes))
