"""Offerings: one kind per vertical, prices in major units, changed whole or not at all."""

from __future__ import annotations

from typing import Any

import pytest

from listings import catalogue, offerings
from listings.models import Offering
from marketplace.city import City
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from tests.support.catalogue_inputs import (
    make_resident,
    merchant_with_owner,
    row_counts,
    shop_input,
)


async def test_offerings_are_added_changed_and_removed_by_staff_only(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    resident = await make_resident()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input(offerings=[]))
    bread = await offerings.add_offering(
        city, owner, listing, {"name": {"zh-CN": "法棍"}, "price": "15", "stock": 10}
    )
    assert (bread.kind, bread.price, bread.stock) == ("product", 1500, 10)

    changed = await offerings.update_offering(city, owner, bread, {"price": "16.8", "stock": 0})
    assert (changed.price, changed.stock) == (1680, 0)
    assert changed.name == {"zh-CN": "法棍"}

    before = await row_counts()
    bad_changes: list[tuple[dict[str, Any], str]] = [
        ({"price": "-1"}, "offering.price"),
        ({"price": "1.001"}, "offering.price"),
        ({"stock": -5}, "offering.stock"),
        ({"kind": "dish"}, "offering.kind"),
    ]
    for bad, field in bad_changes:
        with pytest.raises(ValidationFailed) as err:
            await offerings.update_offering(city, owner, bread, bad)
        assert [e.field for e in err.value.errors] == [field]
    with pytest.raises(ValidationFailed) as err:
        await offerings.add_offering(
            city, owner, listing, {"name": {"zh-CN": "蛋糕"}, "price": "-3"}
        )
    assert {e.field for e in err.value.errors} == {"offering.price", "offering.stock"}
    with pytest.raises(PermissionDenied):
        await offerings.add_offering(
            city, resident, listing, {"name": {"zh-CN": "x"}, "price": "1", "stock": 1}
        )
    with pytest.raises(PermissionDenied):
        await offerings.remove_offering(resident, bread)
    assert await row_counts() == before
    assert (await Offering.get(id=bread.id)).price == 1680

    await offerings.remove_offering(owner, bread)
    assert not await Offering.filter(id=bread.id).exists()


async def test_a_removed_offering_is_not_found(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    bread = await Offering.get(listing_id=listing.id)
    await offerings.remove_offering(owner, bread)
    with pytest.raises(NotFound):
        await offerings.update_offering(city, owner, bread, {"price": "1"})
    with pytest.raises(NotFound):
        await offerings.remove_offering(owner, bread)


async def test_a_menu_takes_dishes_not_products(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    values = {
        "vertical": "restaurant",
        "category": "noodles",
        "name": {"zh-CN": "面馆", "en": "Noodles"},
        "lat": 31.7782,
        "lng": 119.9516,
        "offerings": [
            {"name": {"zh-CN": "红汤面"}, "price": "18", "tags": ["signature", "spicy"]},
            {"name": {"zh-CN": "辣酱"}, "price": "8", "stock": 5},
        ],
    }
    before = await row_counts()
    with pytest.raises(ValidationFailed) as err:
        await catalogue.create_listing(city, owner, merchant, **values)
    assert {e.field: e.reason for e in err.value.errors} == {"offerings[1].stock": "unknown field"}
    assert await row_counts() == before
    values["offerings"] = values["offerings"][:1]
    listing = await catalogue.create_listing(city, owner, merchant, **values)
    dish = await Offering.get(listing_id=listing.id)
    assert (dish.kind, dish.price) == ("dish", 1800)
    assert dish.attributes == {"tags": ["signature", "spicy"]}
