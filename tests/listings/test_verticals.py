"""Per-vertical attributes and per-kind offering details: what is kept, what is refused, where."""

from __future__ import annotations

from typing import Any

import pytest

from listings.models import Offering
from listings.offerings import offering_as_input, prepare_offering
from listings.types import OfferingKind, ServiceAreaMode, Vertical
from listings.verticals import (
    RestaurantAttributes,
    as_input,
    validate_attributes,
    validate_details,
)
from marketplace.city import City
from marketplace.errors import ValidationFailed


def attrs(vertical: Vertical, data: dict[str, Any]) -> dict[str, Any]:
    return validate_attributes(vertical, data, currency="CNY").stored()


def refused(vertical: Vertical, data: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as err:
        validate_attributes(vertical, data, currency="CNY")
    return {e.field: e.reason for e in err.value.errors}


def test_restaurant_price_per_person_is_typed_in_yuan_and_kept_in_fen() -> None:
    stored = attrs(
        Vertical.RESTAURANT,
        {"cuisine": "jiangnan", "avg_price_per_person": "45.5", "seats": 40, "reservations": True},
    )
    assert stored == {
        "cuisine": "jiangnan",
        "avg_price_per_person": 4550,
        "seats": 40,
        "reservations": True,
    }
    # a form shows it back in yuan, and sending that back keeps the same amount
    shown = as_input(RestaurantAttributes, stored, 2)
    assert shown["avg_price_per_person"] == "45.50"
    assert attrs(Vertical.RESTAURANT, shown) == stored


@pytest.mark.parametrize(
    ("price", "reason_part"),
    [("-1", "must not be negative"), ("12.345", "more than 2 decimal places"), ("abc", "number")],
)
def test_bad_money_in_attributes_names_the_field(price: str, reason_part: str) -> None:
    errors = refused(Vertical.RESTAURANT, {"avg_price_per_person": price})
    assert list(errors) == ["attributes.avg_price_per_person"]
    assert reason_part in errors["attributes.avg_price_per_person"]


def test_every_attribute_problem_at_once() -> None:
    errors = refused(Vertical.RESTAURANT, {"seats": -3, "wifi": True, "reservations": True})
    assert errors["attributes.seats"].startswith("Input should be greater than or equal to 0")
    assert errors["attributes.wifi"] == "unknown field"


def test_reservations_need_somewhere_to_sit() -> None:
    assert (
        "seats or tables"
        in refused(Vertical.RESTAURANT, {"reservations": True})["attributes.reservations"]
    )
    assert attrs(Vertical.RESTAURANT, {"reservations": True, "tables": 6})["tables"] == 6


def test_attributes_must_be_an_object() -> None:
    assert refused(Vertical.SHOP, ["pickup"]) == {"attributes": "must be an object"}


def test_housekeeping_travels_by_radius_or_polygon() -> None:
    by_radius = validate_attributes(
        Vertical.HOUSEKEEPING, {"service_radius_m": 5000}, currency="CNY"
    )
    assert by_radius.needs_service_area()
    assert by_radius.service_area_mode is ServiceAreaMode.RADIUS
    drawn = validate_attributes(Vertical.HOUSEKEEPING, {}, currency="CNY")
    assert drawn.service_area_mode is ServiceAreaMode.POLYGON
    assert drawn.stored() == {"service_area_mode": "polygon", "min_notice_hours": 0}
    errors = refused(Vertical.HOUSEKEEPING, {"service_area_mode": "radius", "min_notice_hours": -1})
    assert set(errors) == {"attributes.min_notice_hours"}
    errors = refused(Vertical.HOUSEKEEPING, {"service_area_mode": "radius"})
    assert errors == {"attributes.service_radius_m": "is required when service_area_mode is radius"}
    errors = refused(Vertical.HOUSEKEEPING, {"service_radius_m": 10})
    assert "greater than or equal to 100" in errors["attributes.service_radius_m"]


TUTOR = {"subjects": ["math"], "grades": ["primary_5", "primary_3"], "formats": ["online"]}


def test_tutoring_grades_come_from_the_vocabulary_in_its_order() -> None:
    stored = attrs(Vertical.TUTORING, TUTOR)
    assert stored["grades"] == ["primary_3", "primary_5"]
    assert stored["lesson_minutes"] == 60
    errors = refused(Vertical.TUTORING, {**TUTOR, "grades": ["primary_3", "grade_13"]})
    assert list(errors) == ["attributes.grades[1]"]
    assert "unknown grade 'grade_13'" in errors["attributes.grades[1]"]


def test_tutoring_lists_must_be_filled_and_not_repeat() -> None:
    errors = refused(
        Vertical.TUTORING,
        {"subjects": ["math", "math"], "grades": [], "formats": ["online", "by_post"]},
    )
    assert set(errors) == {"attributes.grades", "attributes.formats[1]"}
    errors = refused(Vertical.TUTORING, {**TUTOR, "subjects": ["math", "math"]})
    assert errors == {"attributes.subjects[1]": "'math' is listed twice"}
    assert "attributes.formats" in refused(Vertical.TUTORING, {**TUTOR, "formats": []})


def test_trial_lesson_has_a_price_and_home_lessons_need_an_area() -> None:
    errors = refused(Vertical.TUTORING, {**TUTOR, "trial_lesson": True})
    assert list(errors) == ["attributes.trial_price"]
    free = validate_attributes(
        Vertical.TUTORING, {**TUTOR, "trial_lesson": True, "trial_price": "0"}, currency="CNY"
    )
    assert free.stored()["trial_price"] == 0 and not free.needs_service_area()
    at_home = validate_attributes(
        Vertical.TUTORING, {**TUTOR, "formats": ["at_home", "online"]}, currency="CNY"
    )
    assert at_home.needs_service_area()


def test_shop_offers_pickup_or_delivery() -> None:
    errors = refused(Vertical.SHOP, {"pickup": False, "delivery": False})
    assert errors == {"attributes.delivery": "at least one of pickup and delivery must be true"}
    pickup_only = validate_attributes(
        Vertical.SHOP,
        {"delivery_fee": "5", "service_radius_m": 2000, "min_order": "20"},
        currency="CNY",
    )
    # what only delivery uses is dropped when there is no delivery
    assert pickup_only.stored() == {"pickup": True, "delivery": False, "min_order": 2000}
    assert not pickup_only.needs_service_area()
    delivering = validate_attributes(
        Vertical.SHOP, {"delivery": True, "delivery_fee": "5"}, currency="CNY"
    )
    assert delivering.needs_service_area() and delivering.stored()["delivery_fee"] == 500


@pytest.mark.parametrize(
    ("kind", "data", "field", "reason_part"),
    [
        (OfferingKind.SERVICE, {"price": "80", "duration_min": 10}, "offering.duration_min", "15"),
        (OfferingKind.SERVICE, {"price": "80"}, "offering.duration_min", "is required"),
        (
            OfferingKind.SERVICE,
            {"price": "80", "duration_min": 60 * 1440 + 1},
            "offering.duration_min",
            "",
        ),
        (OfferingKind.DISH, {"price": "18", "tags": ["sweet"]}, "offering.tags[0]", "signature"),
        (OfferingKind.DISH, {"price": "-18"}, "offering.price", "must not be negative"),
        (OfferingKind.DISH, {"price": "18.005"}, "offering.price", "more than 2 decimal"),
        (OfferingKind.PRODUCT, {"price": "5", "stock": -1}, "offering.stock", "greater than"),
        (OfferingKind.LESSON, {"price": "150", "duration_min": 60}, "offering.format", "required"),
    ],
)
def test_offering_details_refused_with_their_field(
    kind: OfferingKind, data: dict[str, Any], field: str, reason_part: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_details(kind, data, currency="CNY")
    assert [e.field for e in err.value.errors] == [field]
    assert reason_part in err.value.errors[0].reason


def test_offering_columns_and_attributes() -> None:
    dish = validate_details(
        OfferingKind.DISH, {"price": "38", "tags": ["signature", "spicy"]}, currency="CNY"
    )
    assert dish.columns() == {
        "price": 3800,
        "is_active": True,
        "sort_order": 0,
        "attributes": {"tags": ["signature", "spicy"]},
    }
    product = validate_details(
        OfferingKind.PRODUCT, {"price": "12.5", "stock": 0, "sku": " A-1 "}, currency="CNY"
    )
    assert product.columns()["stock"] == 0 and product.columns()["attributes"] == {"sku": "A-1"}


def test_prepare_offering_checks_kind_names_and_lesson_format(city: City) -> None:
    with pytest.raises(ValidationFailed) as err:
        prepare_offering(
            city,
            Vertical.TUTORING,
            {
                "kind": "dish",
                "name": {"en": "Maths"},
                "price": "200",
                "duration_min": 90,
                "format": "at_home",
            },
            field="offerings[2]",
            listing_attributes={"formats": ["online"]},
        )
    fields = {e.field: e.reason for e in err.value.errors}
    assert fields == {
        "offerings[2].kind": "a tutoring listing offers lessons",
        "offerings[2].name.zh-CN": "is required",
        "offerings[2].format": "not one of the listing's formats (online)",
    }


def test_an_offering_shown_back_in_a_form_round_trips(city: City) -> None:
    columns = prepare_offering(
        city,
        Vertical.SHOP,
        {"name": {"zh-CN": "吐司", "en": ""}, "price": "9.9", "stock": 3, "sku": "T1"},
    )
    assert columns["name"] == {"zh-CN": "吐司"} and columns["price"] == 990
    offering = Offering(**columns)
    shown = offering_as_input(offering, city.minor_units)
    assert shown["price"] == "9.90" and shown["sku"] == "T1" and shown["stock"] == 3
    assert prepare_offering(city, Vertical.SHOP, shown) == columns
