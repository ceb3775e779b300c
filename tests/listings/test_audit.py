"""The audit trail: who changed a listing, when, and each field's old and new value."""

from __future__ import annotations

import pytest

from listings import audit, catalogue, offerings
from listings.models import ListingChange
from listings.types import ListingAction
from marketplace.accounts.errors import LoginRequired
from marketplace.city import City
from marketplace.errors import PermissionDenied
from tests.support.catalogue_inputs import (
    LAT,
    LNG,
    make_operator,
    make_resident,
    merchant_with_owner,
    shop_input,
)


def test_diff_keeps_only_what_changed() -> None:
    before = {"name": {"zh-CN": "甲"}, "status": "draft", "attributes.seats": 10}
    after = {"name": {"zh-CN": "乙"}, "status": "draft", "attributes.tables": 3}
    assert audit.diff(before, after) == {
        "attributes.seats": [10, None],
        "attributes.tables": [None, 3],
        "name": [{"zh-CN": "甲"}, {"zh-CN": "乙"}],
    }


async def test_history_is_newest_first_for_operators_and_the_merchants_staff(
    db: str, city: City
) -> None:
    merchant, owner = await merchant_with_owner()
    operator = await make_operator()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    await catalogue.publish(owner, listing)
    await catalogue.hide(operator, listing, "重复发布")

    for reader in (operator, owner):
        entries = await audit.history(reader, listing)
        assert [e.action for e in entries] == [
            ListingAction.HIDDEN,
            ListingAction.PUBLISHED,
            ListingAction.OFFERING_ADDED,
            ListingAction.CREATED,
        ]
    hidden = entries[0]
    assert hidden.actor.id == operator.id
    assert hidden.note == "重复发布"
    assert hidden.changes["hidden_reason"] == [None, "重复发布"]
    assert entries[0].at >= entries[-1].at


async def test_history_is_not_for_residents_or_other_merchants(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    _, stranger = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    for reader in (await make_resident(), stranger):
        with pytest.raises(PermissionDenied):
            await audit.history(reader, listing)
    with pytest.raises(LoginRequired):
        await audit.history(None, listing)


async def test_offering_changes_name_the_offering_and_the_field(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    bread = await listing.offerings.all().first()
    assert bread is not None
    await offerings.update_offering(city, owner, bread, {"price": "13", "sku": "B-1"})
    await offerings.remove_offering(owner, bread)

    updated, removed = await ListingChange.filter(
        listing_id=listing.id,
        action__in=[ListingAction.OFFERING_UPDATED, ListingAction.OFFERING_REMOVED],
    ).order_by("id")
    key = f"offering.{bread.id}."
    assert updated.changes == {
        f"{key}price": [1250, 1300],
        f"{key}attributes.sku": [None, "B-1"],
    }
    assert removed.changes[f"{key}price"] == [1300, None]
    assert removed.changes[f"{key}name"] == [{"zh-CN": "全麦面包"}, None]


async def test_an_update_that_changes_nothing_leaves_no_entry(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    before = await ListingChange.filter(listing_id=listing.id).count()
    await catalogue.update_listing(city, owner, listing, {"lat": LAT, "lng": LNG})
    assert await ListingChange.filter(listing_id=listing.id).count() == before
