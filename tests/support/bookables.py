"""Listings residents can book or order from, for the bookings and orders tests."""

from __future__ import annotations

from datetime import UTC, datetime

from geo.coords import LatLng
from geo.service_areas import geodesic_circle
from listings.models import Listing, Offering
from listings.types import OfferingKind, Vertical
from tests.support.factories import make_listing

# A Wednesday, 08:00 in Changzhou: "tomorrow 09:00" is bookable with a day's notice to spare.
NOW = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
THURSDAY_9 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 +08:00
HOME = LatLng(31.7787, 119.9740)
NEAR_HOME = LatLng(31.7830, 119.9790)  # about 650 m away: inside a 3 km area
FAR_AWAY = LatLng(31.6500, 119.6000)  # in the city, far outside the area


def every_day(start: str, end: str, slot: int, capacity: int, **extra: object) -> dict[str, object]:
    return {
        "windows": [
            {"weekday": d, "start": start, "end": end, "slot_minutes": slot, "capacity": capacity}
            for d in range(7)
        ],
        **extra,
    }


async def cleaning_service(capacity: int = 1, price: int = 12000) -> tuple[Listing, Offering]:
    """A housekeeping listing that travels 3 km around HOME; 3-hour cleans from 09:00."""
    listing = await make_listing(
        HOME,
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        name={"zh-CN": "好帮手保洁", "en": "Helping Hands Cleaning"},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.SERVICE,
        name={"zh-CN": "日常保洁 3 小时", "en": "Regular clean, 3 hours"},
        price=price,
        duration_min=180,
        availability=every_day("09:00", "18:00", 180, capacity, buffer_minutes=0),
    )
    return listing, offering


async def shop_with_stock(stock: int | None = 10, price: int = 1500) -> tuple[Listing, Offering]:
    listing = await make_listing(
        HOME,
        vertical=Vertical.SHOP,
        category="grocery",
        name={"zh-CN": "街角小超市", "en": "Corner Grocery"},
        attributes={"pickup": True, "delivery": True, "delivery_fee": 500},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.PRODUCT,
        name={"zh-CN": "阳山水蜜桃 一箱", "en": "Yangshan peaches, a box"},
        price=price,
        stock=stock,
    )
    return listing, offering


# --- the merchant's queues: a business run by a real account, and bookings and orders in it ---

import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from uuid import uuid4  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from listings.models import Merchant  # noqa: E402
from marketplace import clock  # noqa: E402
from marketplace.accounts.models import Account  # noqa: E402
from marketplace.bookings.availability import AvailabilitySettings, next_offered  # noqa: E402
from marketplace.bookings.models import Booking  # noqa: E402
from marketplace.city import City  # noqa: E402
from marketplace.orders.models import Order  # noqa: E402


async def owned_business(
    city: City, owner: Account, operator: Account, vertical: Vertical = Vertical.HOUSEKEEPING
) -> Merchant:
    """An approved business whose owner (and so staff) is `owner`."""
    from listings import onboarding

    category = {Vertical.HOUSEKEEPING: "cleaning", Vertical.SHOP: "grocery"}.get(
        vertical, "noodles"
    )
    merchant = await onboarding.apply(
        city,
        owner,
        name={"zh-CN": f"{owner.display_name}的店", "en": f"{owner.display_name}'s"},
        vertical=vertical,
        category=category,
        address={"zh-CN": "南大街1号", "en": "1 Nandajie"},
        lat=HOME.lat,
        lng=HOME.lng,
        contact_name=owner.display_name,
        contact_phone="13800000001",
    )
    return await onboarding.approve(operator, merchant)


async def cleaning_of(
    merchant: Merchant, availability: object | None = None
) -> tuple[Listing, Offering]:
    """A published housekeeping listing of `merchant` travelling 3 km around HOME, and a 2-hour
    clean (bookable only once availability is set)."""
    listing = await make_listing(
        HOME,
        merchant,
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        name={"zh-CN": "好帮手保洁", "en": "Helping Hands Cleaning"},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.SERVICE,
        name={"zh-CN": "日常保洁 2 小时", "en": "Regular clean, 2 hours"},
        price=12000,
        duration_min=120,
        availability=availability,
    )
    return listing, offering


async def shop_of(merchant: Merchant, stock: int = 20) -> tuple[Listing, Offering]:
    listing = await make_listing(
        HOME,
        merchant,
        vertical=Vertical.SHOP,
        category="grocery",
        name={"zh-CN": "街角小超市", "en": "Corner Grocery"},
        attributes={"pickup": True, "delivery": True, "delivery_fee": 500},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.PRODUCT,
        name={"zh-CN": "阳山水蜜桃 一箱", "en": "Yangshan peaches, a box"},
        price=1500,
        stock=stock,
    )
    return listing, offering


async def confirmed_booking(
    city: City,
    resident: Account,
    listing: Listing,
    offering: Offering,
    *,
    starts_at: datetime | None = None,
    now: datetime | None = None,
    party_size: int = 1,
) -> Booking:
    """Held and confirmed (pay at the store) as the resident would: the next slot on offer when
    no start is given."""
    from marketplace.bookings.holds import hold_booking
    from marketplace.bookings.requests import AddressIn, BookingRequest
    from marketplace.bookings.services import confirm_booking

    now = now or clock.now()
    if starts_at is None:
        settings = AvailabilitySettings.from_json(offering.availability)
        starts_at = next_offered(settings, ZoneInfo(city.timezone), now, limit=1)[0].starts_at
    request = BookingRequest(
        listing_id=listing.id,
        offering_id=offering.id,
        starts_at=starts_at,
        party_size=party_size,
        address=AddressIn(lat=NEAR_HOME.lat, lng=NEAR_HOME.lng, text="青果巷 12 号 3 楼"),
    )
    booking, _new = await hold_booking(city, resident, request, f"b-{uuid4().hex}", now=now)
    return await confirm_booking(city, resident, booking.id, "pay_at_store", now=now)


async def confirmed_order(
    city: City, resident: Account, listing: Listing, offering: Offering, quantity: int = 2
) -> Order:
    from marketplace.orders.checkout import place_order
    from marketplace.orders.requests import LineIn, OrderRequest
    from marketplace.orders.services import confirm_order

    request = OrderRequest(
        listing_id=listing.id, lines=(LineIn(offering_id=offering.id, quantity=quantity),)
    )
    order, _new = await place_order(city, resident, request, f"o-{uuid4().hex}")
    return await confirm_order(city, resident, order.id, "pay_at_store")


async def _script(args: list[str]) -> dict[str, object]:
    """What the browser tests ask for against the live server's database (see `main`)."""
    from marketplace import db
    from marketplace.accounts import services as accounts
    from marketplace.city import load_city

    city = load_city(Path(os.environ["CITY_DIR"]))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        command, *rest = args
        if command == "business":  # business OWNER_EMAIL PASSWORD NAME
            email, password, name = rest
            owner = await accounts.sign_up(email, password, name, "zh-CN")
            operator = await accounts.create_operator(
                f"ops-{uuid4().hex[:8]}@example.test", password, "审核员"
            )
            merchant = await owned_business(city, owner, operator)
            listing, offering = await cleaning_of(merchant)
            shop, product = await shop_of(merchant)
            return {
                "merchant": merchant.id,
                "listing": listing.id,
                "offering": offering.id,
                "shop": shop.id,
                "product": product.id,
            }
        resident = await Account.get_or_none(email=rest[0])
        if resident is None:
            resident = await accounts.sign_up(rest[0], "resident-password-2026", rest[1], "zh-CN")
        if command == "book":  # book RESIDENT_EMAIL NAME LISTING OFFERING
            listing = await Listing.get(id=int(rest[2]))
            offering = await Offering.get(id=int(rest[3]))
            if not offering.availability:  # another business that never opened the editor
                offering.availability = every_day("00:00", "24:00", 60, 3)
                await offering.save(update_fields=["availability"])
            booking = await confirmed_booking(city, resident, listing, offering, party_size=2)
            return {
                "booking": booking.id,
                "code": booking.code,
                "starts_at": booking.starts_at.isoformat(),
            }
        if command == "book-at":  # book-at RESIDENT_EMAIL NAME LISTING OFFERING HOURS
            # a booking starting at the top of the hour HOURS from now (0: the current hour,
            # already started, so its code completes it now), booked two hours before it
            # starts; the offering is opened around the clock so that hour is on offer
            listing = await Listing.get(id=int(rest[2]))
            offering = await Offering.get(id=int(rest[3]))
            offering.availability = every_day("00:00", "24:00", 60, 3)
            await offering.save(update_fields=["availability"])
            top = clock.now().replace(minute=0, second=0, microsecond=0)
            starts = top + timedelta(hours=int(rest[4]))
            booking = await confirmed_booking(
                city,
                resident,
                listing,
                offering,
                starts_at=starts,
                now=starts - timedelta(hours=2),
                party_size=2,
            )
            return {
                "booking": booking.id,
                "code": booking.code,
                "starts_at": booking.starts_at.isoformat(),
            }
        if command == "order":  # order RESIDENT_EMAIL NAME SHOP PRODUCT
            listing = await Listing.get(id=int(rest[2]))
            offering = await Offering.get(id=int(rest[3]))
            order = await confirmed_order(city, resident, listing, offering, 3)
            return {"order": order.id, "code": order.code}
        raise SystemExit(f"unknown command {command}")
    finally:
        await db.close_db()


def main() -> None:
    """`python -m tests.support.bookables business|book|order ...` with DATABASE_URL and
    CITY_DIR set: prints what it made as JSON."""
    print(json.dumps(asyncio.run(_script(sys.argv[1:]))))


if __name__ == "__main__":
    main()


# --- resident pages in a browser: listings and residents made in the live server's database ---


async def _resident_pages_seed(args: list[str]) -> dict[str, int]:
    import itertools
    import os
    import secrets
    from datetime import timedelta as _timedelta

    from marketplace import db
    from marketplace.accounts import services as accounts
    from marketplace.bookings.models import Booking as _Booking
    from tests.support import factories

    # each seed runs in a fresh process: start the factories' e-mail numbers somewhere new
    factories._numbers = itertools.count(secrets.randbelow(10**9))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        command, *rest = args
        if command == "cleaning":
            listing, offering = await cleaning_service(capacity=1)
            return {"listing": listing.id, "offering": offering.id}
        if command == "shop":
            listing, offering = await shop_with_stock(stock=int(rest[0]))
            return {"listing": listing.id, "offering": offering.id}
        if command == "resident":  # resident EMAIL NAME PASSWORD
            account = await accounts.sign_up(rest[0], rest[2], rest[1], "zh-CN")
            return {"account": account.id}
        if command == "expire":  # expire BOOKING_ID: its hold ran out a minute ago
            past = clock.now() - _timedelta(minutes=1)
            await _Booking.filter(id=int(rest[0])).update(hold_expires_at=past)
            return {"booking": int(rest[0])}
        raise SystemExit(f"unknown command {command}")
    finally:
        await db.close_db()


def resident_pages_seed(env: dict[str, str], *args: str) -> dict[str, int]:
    """Run one seed command against a live server's database (DATABASE_URL in `env`), in a child
    process so its connections stay apart from the test's own event loop."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import asyncio, json, sys; from tests.support import bookables as b; "
        "print(json.dumps(asyncio.run(b._resident_pages_seed(sys.argv[1:]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seed {args} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
