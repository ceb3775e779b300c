"""What `city.toml` may say (`CitySettings`) and the loaded city the app receives (`City`).

Checks that involve two fields (a name for every locale, unique slugs) raise one pydantic error
per offending entry with its own location, so `taocity city check` can point at each of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from geo.areas import CityArea, pick_name
from geo.coords import CoordinateError, LatLng
from marketplace.verticals import Vertical

CITY_SLUG = re.compile(r"[a-z][a-z0-9-]{1,39}")
CATEGORY_SLUG = re.compile(r"[a-z][a-z0-9_]{0,39}")
PLACE_SLUG = re.compile(r"[a-z][a-z0-9_-]{0,59}")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.(geo)?json")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")

Provider = Literal["stripe", "pay_at_store"]
StripeMethod = Literal["card", "alipay", "wechat_pay"]
Loc = tuple[str | int, ...]


def config_error(reason: str) -> PydanticCustomError:
    # The reason goes through the context so braces in it ("{z}") are not read as placeholders.
    return PydanticCustomError("city_config", "{reason}", {"reason": reason})


def fail(problems: list[tuple[Loc, str]], value: object) -> NoReturn:
    """Raise every problem at once; pydantic prefixes each location with the field's own."""
    details = [
        InitErrorDetails(type=config_error(reason), loc=loc, input=value)
        for loc, reason in problems
    ]
    raise ValidationError.from_exception_data("city", details)


def raise_all(problems: list[tuple[Loc, str]], value: object) -> None:
    if problems:
        fail(problems, value)


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise config_error(f"{value!r} is not a valid {what}")
        return value

    return check


def _locale_tag(tag: str) -> str:
    if not LANGUAGE_TAG.fullmatch(tag):
        raise config_error(f"{tag!r} is not a BCP-47 language tag such as 'zh-CN' or 'en'")
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise config_error(f"unknown locale {tag!r}") from None
    return tag


def _country(code: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in Locale("en").territories:
        raise config_error(f"unknown country {code!r}; use an ISO 3166-1 alpha-2 code like 'FR'")
    return code


def _timezone(key: str) -> str:
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise config_error(
            f"unknown time zone {key!r}; use an IANA name like 'Europe/Paris'"
        ) from None
    return key


def _currency(code: str) -> str:
    if code not in list_currencies():
        raise config_error(f"unknown currency {code!r}; use an ISO 4217 code like 'EUR'")
    return code


def _percent(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise config_error("must be a number (a percentage)")
    # str() first: Decimal(6.1) would carry the float's binary expansion.
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite() or not Decimal(0) <= amount <= Decimal(100):
        raise config_error(f"must be between 0 and 100, got {value}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise config_error(f"must have at most 2 decimal places, got {value}")
    return amount


def _latlng(value: object) -> LatLng:
    if isinstance(value, LatLng):
        return value
    if not isinstance(value, dict):
        raise config_error("must be a table like { lat = 48.85, lng = 2.35 }")
    problems: list[tuple[Loc, str]] = [
        ((key,), "unknown field") for key in value if key not in ("lat", "lng")
    ]
    problems += [((key,), "required") for key in ("lat", "lng") if key not in value]
    raise_all(problems, value)
    try:
        return LatLng(value["lat"], value["lng"])
    except CoordinateError as exc:
        fail([((exc.field,), exc.reason)], value)


def _non_blank(text: str) -> str:
    if not text.strip():
        raise config_error("must not be empty")
    return text


CitySlug = Annotated[StrictStr, AfterValidator(_matching(CITY_SLUG, "city slug (a-z, 0-9, -)"))]
CategorySlug = Annotated[
    StrictStr, AfterValidator(_matching(CATEGORY_SLUG, "category slug (a-z, 0-9, _)"))
]
PlaceSlug = Annotated[StrictStr, AfterValidator(_matching(PLACE_SLUG, "slug (a-z, 0-9, _, -)"))]
PolicySlug = Annotated[
    StrictStr, AfterValidator(_matching(CATEGORY_SLUG, "policy slug (a-z, 0-9, _)"))
]
FileName = Annotated[
    StrictStr, AfterValidator(_matching(FILE_NAME, "file name inside the city directory"))
]
LocaleTag = Annotated[StrictStr, AfterValidator(_locale_tag)]
Text = Annotated[StrictStr, AfterValidator(_non_blank)]
Names = dict[StrictStr, Text]
Percent = Annotated[Decimal, PlainValidator(_percent)]
LatLngField = Annotated[LatLng, PlainValidator(_latlng)]
Radius = Annotated[StrictInt, Field(ge=100, le=50_000)]


def name_problems(names: dict[str, str], locales: Iterable[str]) -> list[tuple[Loc, str]]:
    """Every listed locale needs a name; a name for an unlisted locale is most likely a typo."""
    wanted = list(locales)
    problems: list[tuple[Loc, str]] = [
        ((tag,), "missing: every locale in `locales` needs a name")
        for tag in wanted
        if tag not in names
    ]
    problems += [
        ((tag,), f"not one of the city's locales ({', '.join(wanted)})")
        for tag in names
        if tag not in wanted
    ]
    return problems


def in_locale_order(names: dict[str, str], locales: Iterable[str]) -> dict[str, str]:
    """Names reordered like `locales`, so the first one is the default locale's."""
    return {tag: names[tag] for tag in locales if tag in names}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Category(Frozen):
    slug: CategorySlug
    name: Names

    def display_name(self, locale: str) -> str:
        return pick_name(self.name, locale)


class SearchSettings(Frozen):
    default_radius_m: Radius = 3000
    max_radius_m: Radius = 20_000

    @model_validator(mode="after")
    def _max_not_below_default(self) -> SearchSettings:
        if self.max_radius_m < self.default_radius_m:
            reason = f"must be at least default_radius_m ({self.default_radius_m})"
            raise_all([(("max_radius_m",), reason)], self.max_radius_m)
        return self


class PaymentSettings(Frozen):
    providers: tuple[Provider, ...] = Field(min_length=1)
    default_provider: Provider
    stripe_methods: tuple[StripeMethod, ...] = ("card",)

    @model_validator(mode="before")
    @classmethod
    def _default_is_first_provider(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_provider" not in data:
            providers = data.get("providers")
            if isinstance(providers, list) and providers:
                return {**data, "default_provider": providers[0]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> PaymentSettings:
        problems: list[tuple[Loc, str]] = []
        for field, items in (
            ("providers", self.providers),
            ("stripe_methods", self.stripe_methods),
        ):
            problems += [
                ((field, i), f"{item!r} is listed twice")
                for i, item in enumerate(items)
                if item in items[:i]
            ]
        if self.default_provider not in self.providers:
            problems.append(
                (("default_provider",), f"{self.default_provider!r} is not in providers")
            )
        if "stripe" in self.providers and not self.stripe_methods:
            problems.append(
                (("stripe_methods",), "must name at least one method when stripe is a provider")
            )
        raise_all(problems, self)
        return self


def _tile_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise config_error("must be an http(s) URL")
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in url]
    if missing:
        raise config_error(f"must contain {', '.join(missing)}")
    return url


class MapSettings(Frozen):
    tile_url: Annotated[StrictStr, AfterValidator(_tile_url)]
    attribution: Text
    default_zoom: Annotated[StrictInt, Field(ge=0, le=22)] = 13


class CancellationPolicy(Frozen):
    """What cancelling costs a resident: nothing until `free_until_hours` before the start,
    then `late_fee_percent` of what was paid (see `marketplace.bookings.cancellation`)."""

    name: Names
    free_until_hours: Annotated[StrictInt, Field(ge=0, le=720)]
    late_fee_percent: Percent

    def display_name(self, locale: str) -> str:
        return pick_name(self.name, locale)


class CancellationSettings(Frozen):
    hold_minutes: Annotated[StrictInt, Field(ge=1, le=60)] = 10
    reminder_hours: Annotated[StrictInt, Field(ge=2, le=72)] = 24
    default_policy: PolicySlug
    policies: Annotated[dict[PolicySlug, CancellationPolicy], Field(min_length=1)]

    @model_validator(mode="after")
    def _default_is_a_policy(self) -> CancellationSettings:
        if self.default_policy not in self.policies:
            known = ", ".join(self.policies)
            reason = f"{self.default_policy!r} is not one of the policies ({known})"
            raise_all([(("default_policy",), reason)], self.default_policy)
        return self


class CompletionSettings(Frozen):
    """When a merchant may complete a booking by the resident's code: from
    `before_start_minutes` before its start until `after_end_minutes` after its end. Earlier,
    the code is refused with the time it opens; later, refused too (the booking is then a
    no-show or a matter for the platform). Optional in `city.toml`: older city files keep
    working with these defaults."""

    before_start_minutes: Annotated[StrictInt, Field(ge=0, le=24 * 60)] = 60
    after_end_minutes: Annotated[StrictInt, Field(ge=0, le=7 * 24 * 60)] = 24 * 60


# --- [orders]: when a shop order can be picked up ---------------------------------------------
class OrderSettings(Frozen):
    """Pickup times: a shop needs `preparation_minutes` (unless a listing says its own) from
    the order, or from its opening, to have an order ready; residents choose among times every
    `slot_minutes` up to `max_days_ahead` days ahead. Optional: a city file without [orders]
    gets these defaults."""

    preparation_minutes: Annotated[StrictInt, Field(ge=0, le=720)] = 20
    slot_minutes: Annotated[StrictInt, Field(ge=5, le=120)] = 15
    max_days_ahead: Annotated[StrictInt, Field(ge=0, le=14)] = 2


# What `taocity city check` says when a whole table is missing, instead of a bare "required".
REQUIRED_HINTS: dict[Loc, str] = {
    ("cancellation",): (
        "required: a [cancellation] table with default_policy and at least one "
        "[cancellation.policies.<slug>] table (name, free_until_hours, late_fee_percent)"
    ),
}


class CityBase(Frozen):
    """Fields shared by the file and the loaded city; validated in this order, so `locales`
    is known when names are checked."""

    slug: CitySlug
    locales: tuple[LocaleTag, ...] = Field(min_length=1)
    name: Names
    country: Annotated[StrictStr, AfterValidator(_country)]
    timezone: Annotated[StrictStr, AfterValidator(_timezone)]
    currency: Annotated[StrictStr, AfterValidator(_currency)]
    center: LatLngField
    search: SearchSettings = SearchSettings()
    commission: dict[Vertical, Percent]
    payments: PaymentSettings
    map: MapSettings
    categories: dict[Vertical, Annotated[tuple[Category, ...], Field(min_length=1)]]
    cancellation: CancellationSettings
    completion: CompletionSettings = CompletionSettings()

    orders: OrderSettings = OrderSettings()

    @field_validator("locales")
    @classmethod
    def _unique_locales(cls, locales: tuple[str, ...]) -> tuple[str, ...]:
        repeats = [
            ((i,), f"{tag!r} is listed twice")
            for i, tag in enumerate(locales)
            if tag in locales[:i]
        ]
        raise_all(repeats, locales)
        return locales

    @field_validator("name")
    @classmethod
    def _named_in_every_locale(cls, names: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        locales = info.data.get("locales")
        if locales is None:  # already reported under `locales`
            return names
        raise_all(name_problems(names, locales), names)
        return in_locale_order(names, locales)

    @field_validator("commission")
    @classmethod
    def _every_vertical_charged(
        cls, commission: dict[Vertical, Decimal]
    ) -> dict[Vertical, Decimal]:
        missing = [
            ((v.value,), "required: every vertical needs a commission")
            for v in Vertical
            if v not in commission
        ]
        raise_all(missing, commission)
        return {v: commission[v] for v in Vertical}

    @field_validator("categories")
    @classmethod
    def _categories_complete(
        cls, categories: dict[Vertical, tuple[Category, ...]], info: ValidationInfo
    ) -> dict[Vertical, tuple[Category, ...]]:
        problems: list[tuple[Loc, str]] = [
            ((v.value,), "required: every vertical needs at least one category")
            for v in Vertical
            if v not in categories
        ]
        locales = info.data.get("locales")
        for vertical, entries in categories.items():
            first_at: dict[str, int] = {}
            for i, category in enumerate(entries):
                here: Loc = (vertical.value, i)
                if category.slug in first_at:
                    reason = (
                        f"duplicate slug {category.slug!r} (also at [{first_at[category.slug]}])"
                    )
                    problems.append(((*here, "slug"), reason))
                first_at.setdefault(category.slug, i)
                if locales is not None:
                    problems += [
                        ((*here, "name", *loc), why)
                        for loc, why in name_problems(category.name, locales)
                    ]
        raise_all(problems, categories)
        if locales is None:
            return {v: categories[v] for v in Vertical}
        return {
            v: tuple(
                c.model_copy(update={"name": in_locale_order(c.name, locales)})
                for c in categories[v]
            )
            for v in Vertical
        }

    @field_validator("cancellation")
    @classmethod
    def _policies_named(
        cls, cancellation: CancellationSettings, info: ValidationInfo
    ) -> CancellationSettings:
        locales = info.data.get("locales")
        if locales is None:
            return cancellation
        problems: list[tuple[Loc, str]] = [
            (("policies", slug, "name", *loc), why)
            for slug, policy in cancellation.policies.items()
            for loc, why in name_problems(policy.name, locales)
        ]
        raise_all(problems, cancellation)
        policies = {
            slug: p.model_copy(update={"name": in_locale_order(p.name, locales)})
            for slug, p in cancellation.policies.items()
        }
        return cancellation.model_copy(update={"policies": policies})


class CitySettings(CityBase):
    """The contents of `city.toml`; the geography lives in the GeoJSON files it names."""

    boundary: FileName = "boundary.geojson"
    districts: FileName = "districts.geojson"
    landmarks: FileName | None = None


class Landmark(Frozen):
    """A well-known place residents search by ("near 南大街"); `district` is computed."""

    slug: PlaceSlug
    name: Names
    point: LatLngField
    district: str | None = None

    def display_name(self, locale: str) -> str:
        return pick_name(self.name, locale)


class City(CityBase):
    """The loaded city; built only by `load_city`, after every file was checked."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    area: CityArea
    landmarks: tuple[Landmark, ...] = ()

    @property
    def default_locale(self) -> str:
        return self.locales[0]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def minor_units(self) -> int:
        """Digits after the decimal point in this currency (CNY 2, JPY 0): money is stored in
        integer minor units."""
        return int(get_currency_precision(self.currency))

    def display_name(self, locale: str | None = None) -> str:
        return pick_name(self.name, locale or self.default_locale)

    def category(self, vertical: Vertical, slug: str) -> Category | None:
        return next((c for c in self.categories.get(vertical, ()) if c.slug == slug), None)

    def landmark(self, slug: str) -> Landmark | None:
        return next((lm for lm in self.landmarks if lm.slug == slug), None)
