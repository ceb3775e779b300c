"""Demo listings are what the catalogue itself would store: a merchant can edit any of them."""

from __future__ import annotations

from typing import Any

from listings.offerings import prepare_offering
from listings.types import Vertical
from listings.verticals import ATTRIBUTES, as_input, major_units, validate_attributes
from marketplace.city import City
from marketplace.demo.catalog import generate_catalog
from marketplace.errors import ValidationFailed


def _offering_input(offering: Any, minor_units: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": offering.name,
        "price": major_units(offering.price, minor_units),
        **offering.attributes,
    }
    if offering.duration_min is not None:
        data["duration_min"] = offering.duration_min
    if offering.stock is not None:
        data["stock"] = offering.stock
    return data


def test_every_demo_listing_passes_the_catalogue_checks(city: City) -> None:
    problems: list[str] = []
    for item in generate_catalog(city, 600, 20261122):
        vertical = Vertical(item.vertical)
        schema = ATTRIBUTES[vertical]
        try:
            checked = validate_attributes(
                vertical,
                as_input(schema, item.attributes, city.minor_units),
                currency=city.currency,
            )
            if checked.stored() != item.attributes:
                problems.append(
                    f"{item.external_id}: stored as {checked.stored()} not {item.attributes}"
                )
        except ValidationFailed as exc:
            problems.append(f"{item.external_id}: attributes: {exc.message}")
            continue
        for i, offering in enumerate(item.offerings):
            try:
                columns = prepare_offering(
                    city,
                    vertical,
                    _offering_input(offering, city.minor_units),
                    listing_attributes=checked.stored(),
                )
            except ValidationFailed as exc:
                problems.append(f"{item.external_id}: offerings[{i}]: {exc.message}")
                continue
            if columns["price"] != offering.price or columns["attributes"] != offering.attributes:
                problems.append(f"{item.external_id}: offerings[{i}] stored differently: {columns}")
    assert problems[:10] == [], f"{len(problems)} problems"
