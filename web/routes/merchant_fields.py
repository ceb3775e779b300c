"""The vertical-specific fields of the listing form, and the words shown for their choices."""

from __future__ import annotations

from dataclasses import dataclass

from listings.types import DishTag, LessonFormat, Vertical
from web.i18n import N_


@dataclass(frozen=True, slots=True)
class AttrField:
    """One vertical-specific field of the listing form."""

    key: str  # under attributes.
    label: str  # message id
    kind: str  # text | int | money | bool | words | choices
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, message id)
    # shown only while this checkbox is ticked (the services ignore the value otherwise)
    shown_with: str = ""

    @property
    def name(self) -> str:
        return f"attributes.{self.key}"


GRADE_LABELS: dict[str, str] = {
    "preschool": N_("Preschool"),
    "primary_1": N_("Primary 1"),
    "primary_2": N_("Primary 2"),
    "primary_3": N_("Primary 3"),
    "primary_4": N_("Primary 4"),
    "primary_5": N_("Primary 5"),
    "primary_6": N_("Primary 6"),
    "junior_1": N_("Junior 1"),
    "junior_2": N_("Junior 2"),
    "junior_3": N_("Junior 3"),
    "senior_1": N_("Senior 1"),
    "senior_2": N_("Senior 2"),
    "senior_3": N_("Senior 3"),
    "adult": N_("Adults"),
}
FORMAT_LABELS: dict[str, str] = {
    LessonFormat.AT_HOME: N_("At the student's home"),
    LessonFormat.AT_CENTRE: N_("At our centre"),
    LessonFormat.ONLINE: N_("Online"),
}
DISH_TAG_LABELS: dict[str, str] = {
    DishTag.SIGNATURE: N_("Signature"),
    DishTag.SPICY: N_("Spicy"),
    DishTag.VEGETARIAN: N_("Vegetarian"),
    DishTag.NEW: N_("New"),
}

ATTR_FIELDS: dict[Vertical, tuple[AttrField, ...]] = {
    Vertical.RESTAURANT: (
        AttrField("cuisine", N_("Cuisine"), "text", N_("e.g. Changzhou noodles")),
        AttrField("avg_price_per_person", N_("Average spend per person (yuan)"), "money"),
        AttrField("seats", N_("Seats"), "int"),
        AttrField("tables", N_("Tables"), "int"),
        AttrField("reservations", N_("Takes table reservations"), "bool"),
    ),
    Vertical.HOUSEKEEPING: (
        AttrField(
            "min_notice_hours",
            N_("Minimum notice (hours)"),
            "int",
            N_("How long before a visit a booking must come in."),
        ),
    ),
    Vertical.TUTORING: (
        AttrField("subjects", N_("Subjects"), "words", N_("Separate with commas, e.g. 数学, 物理")),
        AttrField("grades", N_("Grades"), "choices", choices=tuple(GRADE_LABELS.items())),
        AttrField("formats", N_("Lesson formats"), "choices", choices=tuple(FORMAT_LABELS.items())),
        AttrField("lesson_minutes", N_("Lesson length (minutes)"), "int"),
        AttrField("trial_lesson", N_("Offers a trial lesson"), "bool"),
        AttrField(
            "trial_price",
            N_("Trial lesson price (yuan)"),
            "money",
            N_("0 means free."),
            shown_with="attributes.trial_lesson",
        ),
    ),
    Vertical.SHOP: (
        AttrField("pickup", N_("Pickup in store"), "bool"),
        AttrField("delivery", N_("Delivers to customers"), "bool"),
        AttrField(
            "delivery_fee", N_("Delivery fee (yuan)"), "money", shown_with="attributes.delivery"
        ),
        AttrField("min_order", N_("Minimum order (yuan)"), "money"),
    ),
}

# the checkbox that decides whether a listing travels; housekeeping always does
AREA_SWITCH: dict[Vertical, str | None] = {
    Vertical.RESTAURANT: None,
    Vertical.HOUSEKEEPING: "",
    Vertical.TUTORING: "attributes.formats.at_home",
    Vertical.SHOP: "attributes.delivery",
}
