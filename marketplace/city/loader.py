"""Read a city directory (`city.toml` and the GeoJSON files it names) into a `City`.

Every problem in every file is collected before giving up, so an operator fixes a new city in
one pass instead of one error per run.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from geo.areas import (
    OUTSIDE_TOLERANCE,
    CityArea,
    District,
    GeoProblem,
    Polygonal,
    boundary_from_geojson,
    features_of,
    join_path,
    overlapping_pairs,
    point_from_geojson,
    polygonal_from_geojson,
    share_outside,
)
from marketplace.city.schema import (
    REQUIRED_HINTS,
    City,
    CityBase,
    CitySettings,
    FileName,
    Landmark,
    LocaleTag,
    PlaceSlug,
    in_locale_order,
    name_problems,
)
from marketplace.errors import FieldError, MarketplaceError

CITY_FILE = "city.toml"


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


class CityConfigError(MarketplaceError):
    code = "invalid_city_config"
    status = 500  # an operator's mistake, but residents only ever see a city that failed to start

    def __init__(self, issues: list[ConfigIssue], *, where: Path | str = "") -> None:
        head = f"{len(issues)} problem(s) in city configuration {where}".rstrip()
        super().__init__(
            "\n".join([head, *map(str, issues)]),
            errors=[FieldError(f"{i.file}: {i.field}", i.reason) for i in issues],
        )
        self.issues = list(issues)


def field_path(loc: tuple[str | int, ...]) -> str:
    """pydantic's ("categories", "shop", 1, "name", "en") -> "categories.shop[1].name.en"."""
    path = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for "the key itself was wrong"
            continue
        path = join_path(path, part)
    return path or "(file)"


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return REQUIRED_HINTS.get(tuple(error["loc"]), "required")
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(error["msg"])
    if kind == "city_config":
        return message
    return message[:1].lower() + message[1:]


class _Reader:
    """One pass over a city directory, remembering every issue on the way."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[ConfigIssue] = []

    def add(self, file: str, field: str, reason: str) -> None:
        self.issues.append(ConfigIssue(file, field, reason))

    def add_geo(self, file: str, problems: list[GeoProblem]) -> None:
        for problem in problems:
            self.add(file, problem.field or "(file)", problem.reason)

    def _parsed(
        self, name: str, parse: Callable[[str], Any], syntax_errors: tuple[type[Exception], ...]
    ) -> Any | None:
        path = self.root / name
        if not path.is_file():
            self.add(name, "(file)", "not found")
            return None
        try:
            return parse(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            self.add(name, "(syntax)", f"not UTF-8 text: {exc}")
        except syntax_errors as exc:
            self.add(name, "(syntax)", str(exc))
        return None

    def toml(self) -> dict[str, Any] | None:
        return self._parsed(CITY_FILE, tomllib.loads, (tomllib.TOMLDecodeError,))

    def json(self, name: str) -> object | None:
        return self._parsed(name, json.loads, (json.JSONDecodeError,))

    def settings(self, raw: dict[str, Any]) -> CitySettings | None:
        try:
            return CitySettings.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                self.add(CITY_FILE, field_path(error["loc"]), _reason(error))
            return None


def _valid_or_none(adapter: TypeAdapter[Any], value: object) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


_FILE_NAME: TypeAdapter[str] = TypeAdapter(FileName)
_LOCALES: TypeAdapter[tuple[str, ...]] = TypeAdapter(tuple[LocaleTag, ...])
_SLUG: TypeAdapter[str] = TypeAdapter(PlaceSlug)


def _geo_references(raw: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The GeoJSON file names, usable even when other parts of city.toml are wrong."""
    defaults = CitySettings.model_fields
    names = []
    for key in ("boundary", "districts", "landmarks"):
        value = raw.get(key, defaults[key].default)
        names.append(None if value is None else _valid_or_none(_FILE_NAME, value))
    return names[0], names[1], names[2]


def _slug_and_names(
    reader: _Reader,
    file: str,
    feature: dict[str, Any],
    at: str,
    locales: tuple[str, ...] | None,
) -> tuple[str | None, dict[str, str] | None]:
    properties = feature.get("properties")
    props_at = join_path(at, "properties")
    if not isinstance(properties, dict):
        reader.add(file, props_at, "must be an object with slug and name")
        return None, None
    slug = properties.get("slug")
    if _valid_or_none(_SLUG, slug) is None:
        reader.add(
            file, join_path(props_at, "slug"), f"{slug!r} is not a valid slug (a-z, 0-9, _, -)"
        )
        slug = None
    names = properties.get("name")
    names_at = join_path(props_at, "name")
    if not isinstance(names, dict) or not all(
        isinstance(v, str) and v.strip() for v in names.values()
    ):
        reader.add(file, names_at, "must be an object of non-empty names per locale")
        return slug, None
    if locales is not None:
        problems = name_problems(names, locales)
        for loc, reason in problems:
            reader.add(file, join_path(names_at, str(loc[0])), reason)
        if problems:
            return slug, None
        names = in_locale_order(names, locales)
    return slug, names


def _note_duplicate(
    reader: _Reader, file: str, seen: dict[str, int], slug: str | None, index: int
) -> None:
    if slug is None:
        return
    if slug in seen:
        reader.add(
            file,
            f"features[{index}].properties.slug",
            f"duplicate slug {slug!r} (also features[{seen[slug]}])",
        )
    else:
        seen[slug] = index


def _districts(
    reader: _Reader,
    file: str,
    boundary: Polygonal | None,
    locales: tuple[str, ...] | None,
) -> list[District] | None:
    document = reader.json(file)
    if document is None:
        return None
    before = len(reader.issues)
    problems: list[GeoProblem] = []
    features = features_of(document, problems)
    if not problems and not features:
        problems.append(GeoProblem("features", "needs at least one district"))
    districts: list[District] = []
    at_index: list[int] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features):
        if not feature:
            continue
        at = f"features[{i}]"
        shape = polygonal_from_geojson(feature.get("geometry"), f"{at}.geometry", problems)
        slug, names = _slug_and_names(reader, file, feature, at, locales)
        _note_duplicate(reader, file, seen, slug, i)
        if shape is None or slug is None or names is None:
            continue
        if boundary is not None:
            outside = share_outside(shape, boundary)
            if outside > OUTSIDE_TOLERANCE:
                reason = f"lies outside the boundary ({outside:.1%} of its area)"
                problems.append(GeoProblem(f"{at}.geometry", reason))
        districts.append(District(slug=slug, name=names, polygon=shape))
        at_index.append(i)
    # Overlaps would make "which district is this point in" depend on file order.
    for a, b, share in overlapping_pairs([d.polygon for d in districts], OUTSIDE_TOLERANCE):
        reason = f"overlaps features[{at_index[a]}] ({share:.1%} of the smaller one)"
        problems.append(GeoProblem(f"features[{at_index[b]}].geometry", reason))
    reader.add_geo(file, problems)
    if len(reader.issues) > before:
        return None
    return districts


def _landmarks(
    reader: _Reader,
    file: str,
    area: CityArea | None,
    locales: tuple[str, ...] | None,
) -> list[Landmark] | None:
    document = reader.json(file)
    if document is None:
        return None
    problems: list[GeoProblem] = []
    before = len(reader.issues)
    landmarks: list[Landmark] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features_of(document, problems)):
        if not feature:
            continue
        at = f"features[{i}]"
        point = point_from_geojson(feature.get("geometry"), f"{at}.geometry", problems)
        slug, names = _slug_and_names(reader, file, feature, at, locales)
        _note_duplicate(reader, file, seen, slug, i)
        if point is None or slug is None or names is None:
            continue
        district = None
        if area is not None:
            if not area.contains(point):
                problems.append(GeoProblem(f"{at}.geometry", "outside the city boundary"))
                continue
            found = area.district_at(point)
            district = found.slug if found else None
        landmarks.append(Landmark(slug=slug, name=names, point=point, district=district))
    reader.add_geo(file, problems)
    if len(reader.issues) > before:
        return None
    return landmarks


def _read(root: Path) -> tuple[City | None, list[ConfigIssue]]:
    reader = _Reader(root)
    raw = reader.toml()
    if raw is None:
        return None, reader.issues
    settings = reader.settings(raw)
    boundary_file, districts_file, landmarks_file = _geo_references(raw)
    locales = settings.locales if settings else _valid_or_none(_LOCALES, raw.get("locales"))

    boundary = None
    if boundary_file is not None:
        document = reader.json(boundary_file)
        if document is not None:
            problems: list[GeoProblem] = []
            boundary = boundary_from_geojson(document, problems)
            reader.add_geo(boundary_file, problems)
    districts = None
    if districts_file is not None:
        districts = _districts(reader, districts_file, boundary, locales)
    area = CityArea(boundary, tuple(districts or ())) if boundary is not None else None
    landmarks: list[Landmark] | None = []
    if landmarks_file is not None:
        landmarks = _landmarks(reader, landmarks_file, area, locales)
    if settings is not None and area is not None and not area.contains(settings.center):
        reader.add(CITY_FILE, "center", f"outside the city boundary ({boundary_file})")

    if reader.issues or settings is None or area is None or districts is None:
        return None, reader.issues
    shared = {name: getattr(settings, name) for name in CityBase.model_fields}
    # Every value was validated as CitySettings above; construct skips a second pass.
    city = City.model_construct(**shared, area=area, landmarks=tuple(landmarks or ()))
    return city, []


def check_city(path: Path | str) -> list[ConfigIssue]:
    """Every problem with the city directory at `path`; empty when it loads."""
    return _read(Path(path))[1]


def load_city(path: Path | str) -> City:
    """The city configured in the directory `path`, or `CityConfigError` listing every problem."""
    city, issues = _read(Path(path))
    if city is None:
        raise CityConfigError(issues, where=path)
    return city
