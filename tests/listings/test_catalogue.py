"""Listing verbs: create and update whole or not at all, the draft/published/hidden states, and
who may do what."""

from __future__ import annotations

from typing import Any

import pytest

from geo.coords import LatLng
from listings import catalogue
from listings.catalogue import NotPublishable, WrongState
from listings.models import Listing, ListingChange, Offering
from listings.types import ListingAction, ListingStatus, MerchantStatus
from marketplace.accounts.errors import LoginRequired
from marketplace.city import City
from marketplace.errors import PermissionDenied, ValidationFailed
from marketplace.notices.models import Notice
from tests.support.catalogue_inputs import (
    EDGE_LAT,
    EDGE_LNG,
    LAT,
    LNG,
    OUT_LAT,
    OUT_LNG,
    bow_tie,
    housekeeping_input,
    make_operator,
    make_resident,
    merchant_with_owner,
    row_counts,
    shop_input,
    square,
)


async def test_a_housekeeping_listing_with_a_radius_hours_and_services(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **housekeeping_input())

    stored = await Listing.get(id=listing.id)
    assert stored.status == ListingStatus.DRAFT and stored.district == "zhonglou"
    assert stored.attributes == {
        "service_area_mode": "radius",
        "service_radius_m": 3000,
        "min_notice_hours": 4,
    }
    assert stored.service_area is not None
    assert stored.service_area.covers(LatLng(LAT, LNG).to_point())
    assert stored.weekly_hours["mon"] == [["08:00", "18:00"]] and stored.weekly_hours["sun"] == []
    prices = (
        await Offering.filter(listing_id=listing.id)
        .order_by("sort_order")
        .values_list("price", "duration_min", "kind")
    )
    assert prices == [(12000, 120, "service"), (39950, 240, "service")]
    actions = (
        await ListingChange.filter(listing_id=listing.id)
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("created", owner.id),
        ("offering_added", owner.id),
        ("offering_added", owner.id),
    ]


async def test_a_shop_delivering_in_a_drawn_area_clipped_to_the_city(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    values = shop_input(
        lat=EDGE_LAT,
        lng=EDGE_LNG,
        attributes={"delivery": True, "delivery_fee": "6"},
        service_area=square(EDGE_LAT, EDGE_LNG, half=0.05),
    )
    listing = await catalogue.create_listing(city, owner, merchant, **values)
    assert listing.attributes["delivery_fee"] == 600
    assert listing.attributes["service_area_mode"] == "polygon"
    assert city.area.boundary.covers(listing.service_area.buffer(-1e-9))
    created = await ListingChange.get(listing_id=listing.id, action=ListingAction.CREATED)
    assert created.note is not None and "clipped to the city boundary" in created.note
    assert (await Offering.get(listing_id=listing.id)).stock == 30


HOUSEKEEPING_OFFERING = {"name": {"zh-CN": "保洁"}, "duration_min": 120}


@pytest.mark.parametrize(
    ("overrides", "field", "reason_part"),
    [
        ({"vertical": "spa"}, "vertical", "unknown vertical 'spa'"),
        ({"category": "massage"}, "category", "unknown housekeeping category 'massage'"),
        (
            {"offerings": [{**HOUSEKEEPING_OFFERING, "price": "-120"}]},
            "offerings[0].price",
            "must not be negative",
        ),
        (
            {"offerings": [{**HOUSEKEEPING_OFFERING, "price": "99.999"}]},
            "offerings[0].price",
            "more than 2 decimal places",
        ),
        (
            {"weekly_hours": {"mon": [["08:00", "12:00"], ["11:00", "14:00"]]}},
            "weekly_hours.mon[1]",
            "overlaps weekly_hours.mon[0]",
        ),
        (
            {"weekly_hours": {"tue": [["09:00", "09:00"]]}},
            "weekly_hours.tue[0]",
            "starts and ends at the same time",
        ),
        (
            {
                "closures": [
                    {
                        "start": "2026-02-10T00:00:00+08:00",
                        "end": "2026-02-01T00:00:00+08:00",
                        "reason": "春节",
                    }
                ]
            },
            "closures[0].end",
            "must be after start",
        ),
        (
            {"hours_exceptions": {"2026-10-01": [["10:00", "16:00"], ["15:00", "18:00"]]}},
            "hours_exceptions.2026-10-01[1]",
            "overlaps",
        ),
        (
            {"attributes": {"service_area_mode": "polygon"}, "service_area": bow_tie(LAT, LNG)},
            "service_area",
            "Self-intersection",
        ),
        ({"lat": OUT_LAT, "lng": OUT_LNG}, "location", "outside Changzhou"),
        ({"attributes": {"service_radius_m": 3000, "pets": "ok"}}, "attributes.pets", "unknown"),
        ({"name": {"zh-CN": " ", "en": "x"}}, "name.zh-CN", "is required"),
        ({"tags": ["ok", ""]}, "tags[1]", "1 to 30 characters"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    db: str, city: City, overrides: dict[str, Any], field: str, reason_part: str
) -> None:
    merchant, owner = await merchant_with_owner()
    before = await row_counts()
    with pytest.raises(ValidationFailed) as err:
        await catalogue.create_listing(city, owner, merchant, **housekeeping_input(**overrides))
    reasons = {e.field: e.reason for e in err.value.errors}
    assert field in reasons, reasons
    assert reason_part in reasons[field]
    assert await row_counts() == before


async def test_every_bad_field_is_reported_in_one_answer(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    values = housekeeping_input(
        vertical="spa",
        lat=OUT_LAT,
        lng=OUT_LNG,
        weekly_hours={"mon": [["25:00", "26:00"]]},
        tags="clean",
    )
    with pytest.raises(ValidationFailed) as err:
        await catalogue.create_listing(city, owner, merchant, **values)
    assert {e.field for e in err.value.errors} == {
        "vertical",
        "location",
        "weekly_hours.mon[0]",
        "tags",
    }


async def test_an_update_records_who_changed_what_from_what(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **housekeeping_input())
    old_area = listing.service_area
    updated = await catalogue.update_listing(
        city,
        owner,
        listing,
        {
            "name": {"zh-CN": "金牌家政（南大街店）", "en": "Golden Housekeeping"},
            "attributes": {"min_notice_hours": 24, "service_radius_m": 3000},
            "lat": 31.79,
            "lng": 119.96,
        },
    )
    assert updated.attributes["min_notice_hours"] == 24
    # a radius area follows the point it is drawn around
    assert not updated.service_area.equals(old_area)
    assert updated.service_area.covers(LatLng(31.79, 119.96).to_point())
    entry = await ListingChange.filter(listing_id=listing.id, action="updated").get()
    assert entry.actor_id == owner.id  # type: ignore[attr-defined]
    assert entry.changes["name"] == [
        {"zh-CN": "金牌家政", "en": "Golden Housekeeping"},
        {"zh-CN": "金牌家政（南大街店）", "en": "Golden Housekeeping"},
    ]
    assert entry.changes["attributes.min_notice_hours"] == [4, 24]
    assert entry.changes["location"] == [{"lat": LAT, "lng": LNG}, {"lat": 31.79, "lng": 119.96}]
    assert "service_area" in entry.changes and "attributes.service_radius_m" not in entry.changes


async def test_a_bad_update_changes_nothing(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **housekeeping_input())
    before = await row_counts()
    with pytest.raises(ValidationFailed) as err:
        await catalogue.update_listing(
            city,
            owner,
            listing,
            {
                "name": {"zh-CN": "新名字", "en": "New name"},
                "weekly_hours": {"sat": [["08:00", "18:00"], ["17:00", "20:00"]]},
                "vertical": "shop",
            },
        )
    assert {e.field for e in err.value.errors} == {"weekly_hours.sat[1]", "vertical"}
    assert (await Listing.get(id=listing.id)).name["zh-CN"] == "金牌家政"
    assert await row_counts() == before


@pytest.mark.parametrize(
    "status", [MerchantStatus.PENDING, MerchantStatus.REJECTED, MerchantStatus.SUSPENDED]
)
async def test_only_approved_merchants_publish(db: str, city: City, status: MerchantStatus) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    merchant.status = status
    await merchant.save()
    before = await row_counts()
    with pytest.raises(NotPublishable) as err:
        await catalogue.publish(owner, listing)
    assert status.value in err.value.message
    assert (await Listing.get(id=listing.id)).status == ListingStatus.DRAFT
    assert await row_counts() == before


async def test_the_merchant_publishes_hides_restores_and_unpublishes(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    assert (await catalogue.publish(owner, listing)).status == ListingStatus.PUBLISHED
    with pytest.raises(WrongState):
        await catalogue.publish(owner, listing)
    hidden = await catalogue.hide(owner, listing)  # the merchant's own choice: no reason needed
    assert hidden.status == ListingStatus.HIDDEN and not hidden.hidden_by_operator
    assert (await catalogue.restore(owner, listing)).status == ListingStatus.PUBLISHED
    assert (await catalogue.unpublish(owner, listing)).status == ListingStatus.DRAFT
    actions = (
        await ListingChange.filter(listing_id=listing.id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == ["published", "hidden", "restored", "unpublished"]
    assert await Notice.all().count() == 0


async def test_an_operator_hides_with_a_reason_and_only_an_operator_restores(
    db: str, city: City
) -> None:
    merchant, owner = await merchant_with_owner()
    operator = await make_operator()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    await catalogue.publish(owner, listing)

    with pytest.raises(ValidationFailed) as err:
        await catalogue.hide(operator, listing)
    assert err.value.errors[0].field == "reason"
    hidden = await catalogue.hide(operator, listing, "照片与实际不符")
    assert hidden.hidden_by_operator and hidden.hidden_reason == "照片与实际不符"
    notice = await Notice.get(account_id=owner.id)
    assert notice.kind == "listing_hidden" and "照片与实际不符" in notice.body["zh-CN"]

    for verb in (catalogue.publish, catalogue.restore, catalogue.unpublish):
        with pytest.raises((NotPublishable, PermissionDenied)):
            await verb(owner, listing)
    restored = await catalogue.restore(operator, listing)
    assert restored.status == ListingStatus.PUBLISHED and not restored.hidden_by_operator
    entry = await ListingChange.filter(listing_id=listing.id, action="hidden").get()
    assert entry.actor_id == operator.id  # type: ignore[attr-defined]
    assert entry.changes["status"] == ["published", "hidden"]
    assert entry.changes["hidden_by_operator"] == [False, True]


async def test_operators_cannot_edit_content(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    operator = await make_operator()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    before = await row_counts()
    with pytest.raises(PermissionDenied):
        await catalogue.update_listing(city, operator, listing, {"name": {"zh-CN": "改名"}})
    with pytest.raises(PermissionDenied):
        await catalogue.create_listing(city, operator, merchant, **shop_input())
    with pytest.raises(PermissionDenied):
        await catalogue.publish(operator, listing)
    assert await row_counts() == before


async def test_residents_and_other_merchants_change_nothing(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    _, stranger = await merchant_with_owner()
    resident = await make_resident()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    await catalogue.publish(owner, listing)
    before = await row_counts()
    for who in (resident, stranger):
        with pytest.raises(PermissionDenied):
            await catalogue.update_listing(city, who, listing, {"tags": ["x"]})
        with pytest.raises(PermissionDenied):
            await catalogue.hide(who, listing, "no")
    with pytest.raises(LoginRequired):
        await catalogue.hide(None, listing, "no")
    assert await row_counts() == before
