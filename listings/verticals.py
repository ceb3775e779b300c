"""What a listing's `attributes` and an offering's details may hold, per vertical and kind.

Money comes in as the merchant types it, in major units ("45", "12.5"), and is stored as integer
minor units (`listings.money.parse_price`). Every problem is reported with its dotted path, all
at once, as one `ValidationFailed`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from listings.input_checks import DESCRIPTION_MAX as DESCRIPTION_MAX
from listings.input_checks import NAME_MAX as NAME_MAX
from listings.input_checks import clean_names as clean_names
from listings.input_checks import failed, field_errors, major_units
from listings.input_checks import names_errors as names_errors
from listings.money import parse_price
from listings.types import (
    GRADES,
    DishTag,
    LessonFormat,
    OfferingKind,
    ServiceAreaMode,
    Vertical,
)
from marketplace.errors import ValidationFailed

GRADE_HINT = "preschool, primary_1..6, junior_1..3, senior_1..3 or adult"


def _problem(reason: str) -> PydanticCustomError:
    # the reason goes through the context so braces in it are not read as placeholders
    return PydanticCustomError("listing", "{reason}", {"reason": reason})


def _raise(problems: list[tuple[tuple[str | int, ...], str]], value: object) -> None:
    if problems:
        details = [
            InitErrorDetails(type=_problem(why), loc=loc, input=value) for loc, why in problems
        ]
        raise ValidationError.from_exception_data("attributes", details)


def _money(value: object, info: ValidationInfo) -> int:
    currency = (info.context or {}).get("currency")
    try:
        return parse_price(value, currency=currency, field=info.field_name or "price")
    except ValidationFailed as exc:
        raise _problem(exc.errors[0].reason if exc.errors else exc.message) from None


def _grade(value: str) -> str:
    if value not in GRADES:
        raise _problem(f"unknown grade {value!r}; use {GRADE_HINT}")
    return value


def _duplicates(items: Sequence[object], field: str) -> list[tuple[tuple[str | int, ...], str]]:
    return [
        ((field, i), f"{item!r} is listed twice")
        for i, item in enumerate(items)
        if item in items[:i]
    ]


Money = Annotated[int, PlainValidator(_money)]
Grade = Annotated[str, AfterValidator(_grade)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    MONEY_FIELDS: ClassVar[tuple[str, ...]] = ()

    def stored(self) -> dict[str, Any]:
        """The JSON kept in the database: money already in minor units, absent values left out."""
        return self.model_dump(mode="json", exclude_none=True)


S = TypeVar("S", bound=Schema)


class ListingAttributes(Schema):
    """Attributes of a listing that may travel to its customers."""

    service_area_mode: ServiceAreaMode | None = None
    service_radius_m: Annotated[int, Field(ge=100, le=50_000)] | None = None

    def needs_service_area(self) -> bool:
        return False

    @model_validator(mode="before")
    @classmethod
    def _radius_means_radius_mode(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("service_radius_m") is not None:
            return {"service_area_mode": ServiceAreaMode.RADIUS.value, **data}
        return data

    @model_validator(mode="after")
    def _area_consistent(self) -> ListingAttributes:
        if not self.needs_service_area():
            # a form may keep the radius after delivery is switched off: forget it, not refuse
            object.__setattr__(self, "service_area_mode", None)
            object.__setattr__(self, "service_radius_m", None)
            return self
        if self.service_area_mode is None:
            object.__setattr__(self, "service_area_mode", ServiceAreaMode.POLYGON)
        if self.service_area_mode is ServiceAreaMode.RADIUS and self.service_radius_m is None:
            _raise([(("service_radius_m",), "is required when service_area_mode is radius")], self)
        if self.service_area_mode is ServiceAreaMode.POLYGON and self.service_radius_m is not None:
            _raise([(("service_radius_m",), "only with service_area_mode radius")], self)
        return self


class RestaurantAttributes(ListingAttributes):
    MONEY_FIELDS = ("avg_price_per_person",)
    cuisine: Word | None = None
    avg_price_per_person: Money | None = None
    seats: Annotated[int, Field(ge=0, le=5000)] | None = None
    tables: Annotated[int, Field(ge=0, le=1000)] | None = None
    reservations: bool = False

    @model_validator(mode="after")
    def _room_for_reservations(self) -> RestaurantAttributes:
        if self.reservations and not (self.seats or self.tables):
            _raise([(("reservations",), "needs seats or tables to reserve")], self)
        return self


class HousekeepingAttributes(ListingAttributes):
    min_notice_hours: Annotated[int, Field(ge=0, le=720)] = 0

    def needs_service_area(self) -> bool:
        return True


class TutoringAttributes(ListingAttributes):
    MONEY_FIELDS = ("trial_price",)
    subjects: Annotated[list[Word], Field(min_length=1, max_length=20)]
    grades: Annotated[list[Grade], Field(min_length=1)]
    formats: Annotated[list[LessonFormat], Field(min_length=1)]
    lesson_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    trial_lesson: bool = False
    trial_price: Money | None = None

    def needs_service_area(self) -> bool:
        return LessonFormat.AT_HOME in self.formats

    @model_validator(mode="after")
    def _lists_and_trial(self) -> TutoringAttributes:
        problems = _duplicates(self.subjects, "subjects") + _duplicates(self.grades, "grades")
        problems += _duplicates(self.formats, "formats")
        if self.trial_lesson and self.trial_price is None:
            problems.append((("trial_price",), "is required when trial_lesson is true (0 is free)"))
        if not self.trial_lesson and self.trial_price is not None:
            problems.append((("trial_price",), "only when trial_lesson is true"))
        _raise(problems, self)
        # kept in the vocabulary's order, so equal sets compare and display alike
        object.__setattr__(self, "grades", sorted(self.grades, key=GRADES.index))
        return self


class ShopAttributes(ListingAttributes):
    MONEY_FIELDS = ("delivery_fee", "min_order")
    pickup: bool = True
    delivery: bool = False
    delivery_fee: Money | None = None
    min_order: Money | None = None
    # minutes the shop needs to have an order ready; None: the city's [orders] default
    preparation_minutes: Annotated[int, Field(ge=0, le=720)] | None = None

    def needs_service_area(self) -> bool:
        return self.delivery

    @model_validator(mode="after")
    def _some_way_to_get_it(self) -> ShopAttributes:
        if not (self.pickup or self.delivery):
            _raise([(("delivery",), "at least one of pickup and delivery must be true")], self)
        if not self.delivery and self.delivery_fee is not None:
            object.__setattr__(self, "delivery_fee", None)
        return self


ATTRIBUTES: dict[Vertical, type[ListingAttributes]] = {
    Vertical.RESTAURANT: RestaurantAttributes,
    Vertical.HOUSEKEEPING: HousekeepingAttributes,
    Vertical.TUTORING: TutoringAttributes,
    Vertical.SHOP: ShopAttributes,
}


class OfferingDetails(Schema):
    """What every offering has besides its names, which are checked against the city."""

    MONEY_FIELDS = ("price",)
    COLUMNS: ClassVar[frozenset[str]] = frozenset({"price", "is_active", "sort_order"})
    price: Money
    is_active: bool = True
    sort_order: Annotated[int, Field(ge=0, le=10_000)] = 0

    def columns(self) -> dict[str, Any]:
        """Values for the Offering row: its own columns, the rest under `attributes`."""
        values = self.stored()
        row = {k: v for k, v in values.items() if k in self.COLUMNS}
        row["attributes"] = {k: v for k, v in values.items() if k not in self.COLUMNS}
        return row


class DishDetails(OfferingDetails):
    tags: list[DishTag] = []

    @model_validator(mode="after")
    def _unique_tags(self) -> DishDetails:
        _raise(_duplicates(self.tags, "tags"), self)
        return self


class ServiceDetails(OfferingDetails):
    COLUMNS = frozenset({*OfferingDetails.COLUMNS, "duration_min"})
    # live-in care is sold in packages of days (月嫂 26 天), so up to 60 days
    duration_min: Annotated[int, Field(ge=15, le=60 * 1440)]


class LessonDetails(OfferingDetails):
    COLUMNS = frozenset({*OfferingDetails.COLUMNS, "duration_min"})
    duration_min: Annotated[int, Field(ge=15, le=480)]
    format: LessonFormat
    grade: Grade | None = None
    trial: bool = False


class ProductDetails(OfferingDetails):
    COLUMNS = frozenset({*OfferingDetails.COLUMNS, "stock"})
    stock: Annotated[int, Field(ge=0, le=1_000_000)]
    sku: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None


DETAILS: dict[OfferingKind, type[OfferingDetails]] = {
    OfferingKind.DISH: DishDetails,
    OfferingKind.SERVICE: ServiceDetails,
    OfferingKind.LESSON: LessonDetails,
    OfferingKind.PRODUCT: ProductDetails,
}


def _validate(schema: type[S], data: object, currency: str, prefix: str) -> S:
    if not isinstance(data, Mapping):
        raise ValidationFailed.on(prefix, "must be an object")
    try:
        return schema.model_validate(dict(data), context={"currency": currency})
    except ValidationError as exc:
        raise failed(field_errors(exc, prefix)) from None


def validate_attributes(
    vertical: Vertical, data: object, *, currency: str, field: str = "attributes"
) -> ListingAttributes:
    """The listing attributes for `vertical`, or ValidationFailed naming each bad field."""
    return _validate(ATTRIBUTES[vertical], data, currency, field)


def validate_details(
    kind: OfferingKind, data: object, *, currency: str, field: str = "offering"
) -> OfferingDetails:
    return _validate(DETAILS[kind], data, currency, field)


def as_input(schema: type[Schema], stored: Mapping[str, Any], minor_units: int) -> dict[str, Any]:
    """Stored attributes turned back into what a form sends (money in major units)."""
    values = dict(stored)
    for key in schema.MONEY_FIELDS:
        if isinstance(values.get(key), int):
            values[key] = major_units(values[key], minor_units)
    return values
