"""What the resident's booking pages and the operator's money page call things: a table
reservation with its party size, a late fee only where there is money to take it from, and
every vertical by name on the city's money page (demo and imported merchants name none)."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette

from listings.models import Merchant
from listings.types import Vertical
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.bookings.holds import hold_booking
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.services import confirm_booking
from marketplace.city import City
from payments import reports
from payments.services import record_store_payment
from tests.support.bookables import (
    HOME,
    NOW,
    THURSDAY_9,
    cleaning_of,
    confirmed_booking,
    every_day,
    owned_business,
)
from tests.support.factories import make_listing
from tests.web.conftest import PASSWORD, client_for
from tests.web.merchant_helpers import signed_in
from tests.web.test_pages import visible_text

pytestmark = pytest.mark.usefixtures("db")


def at(app: Starlette, moment: object) -> None:
    app.state.clock = lambda: moment


async def table_for(city: City, resident: Account, party: int) -> int:
    """A free table reservation at a noodle shop, confirmed: nothing to pay."""
    restaurant = await make_listing(
        HOME,
        name={"zh-CN": "老常州面馆", "en": "Old Changzhou Noodles"},
        reservations=every_day("00:00", "24:00", 60, 40),
    )
    request = BookingRequest(listing_id=restaurant.id, starts_at=THURSDAY_9, party_size=party)
    held, _new = await hold_booking(city, resident, request, f"table-{party}", now=NOW)
    await confirm_booking(city, resident, held.id, "pay_at_store", now=NOW)
    return held.id


def _policy(html: str) -> str:
    found = re.search(r'data-testid="policy">(.*?)</p>', html, re.S)
    assert found, "the page states its cancellation policy"
    return visible_text(found.group(1))


async def test_a_table_shows_its_party_size_in_the_list_and_on_its_page(
    app: Starlette, city: City, resident: Account
) -> None:
    booking_id = await table_for(city, resident, 4)
    at(app, NOW)
    async with client_for(app) as client:
        await signed_in(client, resident)
        mine = visible_text((await client.get("/me/bookings")).text)
        page = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        english = visible_text((await client.get("/me/bookings?lang=en")).text)
    assert "订座 · 4位" in mine
    assert "订座 · 4位" in page
    assert "Table reservation · 4 guests" in english


async def test_a_table_for_one_still_says_how_many(
    app: Starlette, city: City, resident: Account
) -> None:
    await table_for(city, resident, 1)
    at(app, NOW)
    async with client_for(app) as client:
        await signed_in(client, resident)
        mine = visible_text((await client.get("/me/bookings?lang=en")).text)
    assert "Table reservation · 1 guest" in mine


async def test_a_free_table_has_no_late_fee_line(
    app: Starlette, city: City, resident: Account
) -> None:
    booking_id = await table_for(city, resident, 4)
    at(app, NOW)
    async with client_for(app) as client:
        await signed_in(client, resident)
        page = (await client.get(f"/me/bookings/{booking_id}")).text
        english = (await client.get(f"/me/bookings/{booking_id}?lang=en")).text
    assert "已付金额" not in visible_text(page)
    assert _policy(page) == "随时可免费取消。"
    assert "of what you paid" not in visible_text(english)


async def test_the_late_fee_shows_while_there_is_money_to_take_it_from(
    app: Starlette, city: City, resident: Account, operator: Account
) -> None:
    owner = await accounts.sign_up("wang@example.com", PASSWORD, "王阿姨", "zh-CN")
    merchant = await owned_business(city, owner, operator)
    listing, offering = await cleaning_of(merchant, every_day("09:00", "18:00", 120, 2))
    # confirmed, to be paid at the door: nothing was paid ahead, so no fee can be kept
    later = await confirmed_booking(city, resident, listing, offering, now=NOW)
    # held, ¥120 still to pay: the fee is what paying would agree to
    held, _new = await hold_booking(
        city,
        resident,
        _held_request(listing.id, offering.id),
        "held-clean",
        now=NOW,
    )
    at(app, NOW)
    async with client_for(app) as client:
        await signed_in(client, resident)
        unpaid = _policy((await client.get(f"/me/bookings/{later.id}")).text)
        waiting = _policy((await client.get(f"/me/bookings/{held.id}")).text)
    assert "已付金额" not in unpaid and "取消不收任何费用" in unpaid
    assert "扣除已付金额的" in waiting


def _held_request(listing_id: int, offering_id: int) -> BookingRequest:
    from marketplace.bookings.requests import AddressIn
    from tests.support.bookables import NEAR_HOME

    return BookingRequest(
        listing_id=listing_id,
        offering_id=offering_id,
        starts_at=THURSDAY_9.replace(hour=5),  # 13:00 in Changzhou, after the first clean
        address=AddressIn(lat=NEAR_HOME.lat, lng=NEAR_HOME.lng, text="青果巷 12 号"),
    )


async def test_money_is_filed_under_the_vertical_of_what_was_bought(
    app: Starlette, city: City, resident: Account, operator: Account
) -> None:
    owner = await accounts.sign_up("wang@example.com", PASSWORD, "王阿姨", "zh-CN")
    merchant = await owned_business(city, owner, operator)
    # as the demo catalogue and bulk imports leave them: a merchant naming no vertical
    await Merchant.filter(id=merchant.id).update(vertical=None)
    listing, offering = await cleaning_of(merchant, every_day("09:00", "18:00", 120, 2))
    booking = await confirmed_booking(city, resident, listing, offering, now=NOW)
    await record_store_payment(city, owner, "booking", booking.id, now=NOW)

    found = await reports.earnings(city.currency, city.tz)
    assert [v for v, _s in found.verticals] == [Vertical.HOUSEKEEPING.value]
    assert found.verticals[0][1].gross == 12000

    at(app, NOW)
    async with client_for(app) as client:
        await signed_in(client, operator)
        page = await client.get("/ops/payments")
        english = await client.get("/ops/payments?lang=en")
    table = re.search(r'data-testid="verticals">(.*?)</table>', page.text, re.S)
    assert table, "the page has a table by vertical"
    rows = visible_text(table.group(1))
    assert "家政" in rows and "其他" not in rows
    table = re.search(r'data-testid="verticals">(.*?)</table>', english.text, re.S)
    assert table and "Housekeeping" in table.group(1) and "Other" not in table.group(1)
