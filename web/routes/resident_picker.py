"""The listing page with what a resident acts on: the time-slot picker of a bookable listing, the
cart of a shop. Drawn by the server from query parameters (?offering=&date=&slot=), so choosing
a day and a time works without JavaScript; booking.js only enhances it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_skeleton, get_day_names
from starlette.requests import Request
from starlette.responses import Response

from listings.public import PublicListing, get_public_listing
from listings.types import OfferingKind, Vertical
from marketplace.bookings.holds import find_bookable
from marketplace.bookings.queries import BookableItem, bookable_items, published_listing
from marketplace.bookings.queries import slots_on_date as _slots_on_date
from marketplace.bookings.requests import MAX_PARTY
from web.i18n import babel_locale, request_locale, translator
from web.place import serving_address_values
from web.routes.favourite_pages import listing_favourite
from web.routes.listing_pages import listing_context
from web.routes.order_pickup import cart_pickup  # pickup times from the shop's hours
from web.routes.resident_common import new_key, now
from web.templating import render

DAYS_SHOWN = 7
LOW_STOCK = 5  # "only 3 left" from this many down


@dataclass(frozen=True)
class Chip:
    label: str
    sub: str
    href: str
    selected: bool
    full: bool = False


@dataclass(frozen=True)
class SlotChip:
    value: str  # starts_at, aware ISO in the city's zone
    label: str  # 09:00
    remaining: int
    capacity: int
    selected: bool

    @property
    def full(self) -> bool:
        return self.remaining <= 0


@dataclass
class Picker:
    listing_id: int
    item_key: str  # "table" or the offering id
    offering_id: int | None
    items: list[tuple[str, dict[str, str], bool]]  # (key, name per locale, selected)
    days: list[Chip]
    day: date
    slots: list[SlotChip]
    travels: bool
    party_max: int  # 0: no party size asked
    values: dict[str, str]
    errors: dict[str, str]
    key: str = field(default_factory=new_key)

    @property
    def chosen(self) -> SlotChip | None:
        return next((s for s in self.slots if s.selected), None)


def _item_key(item: BookableItem) -> str:
    return str(item.offering.id) if item.offering else "table"


def _day_chip(
    request: Request, listing_id: int, key: str, day: date, today: date, selected: bool, full: bool
) -> Chip:
    _ = translator(request)
    locale = babel_locale(request_locale(request))
    if day == today:
        label = _("Today")
    elif day == today + timedelta(days=1):
        label = _("Tomorrow")
    else:
        label = get_day_names("abbreviated", locale=locale)[day.weekday()]
    href = f"/listings/{listing_id}?offering={key}&date={day.isoformat()}#book"
    return Chip(label, format_skeleton("MMMd", day, locale=locale), href, selected, full)


async def booking_picker(
    request: Request, listing_id: int, values: dict[str, str], errors: dict[str, str]
) -> Picker | None:
    """The picker of a listing residents can book, or None when nothing on it is bookable."""
    city = request.app.state.city
    listing = await published_listing(listing_id)
    items = await bookable_items(listing)
    if not items:
        return None
    params = request.query_params
    wanted = values.get("offering") or params.get("offering", "")
    item = next((i for i in items if _item_key(i) == wanted), items[0])
    key = _item_key(item)
    offering_id = item.offering.id if item.offering else None
    at = now(request)
    today = at.astimezone(city.tz).date()
    days = [today + timedelta(days=i) for i in range(DAYS_SHOWN)]
    by_day = {}
    for day in days:
        found = await _slots_on_date(city, listing, day, now=at)
        by_day[day] = [s for s in found if s.offering_id == offering_id]
    asked = values.get("date") or params.get("date", "")
    day = next((d for d in days if d.isoformat() == asked), None)
    if day is None:
        day = next((d for d in days if any(s.remaining for s in by_day[d])), today)
    chosen = values.get("starts_at", "")
    slot_param = params.get("slot", "")
    slots: list[SlotChip] = []
    for s in by_day[day]:
        local = s.starts_at.astimezone(city.tz)
        value = local.isoformat()
        hhmm = local.strftime("%H:%M")
        pick = s.remaining > 0 and (value == chosen or (not chosen and hhmm == slot_param))
        slots.append(SlotChip(value, hhmm, s.remaining, s.capacity, pick))
    bookable = await find_bookable(listing.id, offering_id)
    party_max = 0
    if offering_id is None:
        open_places = [s.remaining for s in slots if s.remaining] or [1]
        party_max = min(MAX_PARTY, max(open_places))
    items_shown = [
        (_item_key(i), dict(i.offering.name) if i.offering else {}, i is item) for i in items
    ]
    chips = [
        _day_chip(
            request, listing_id, key, d, today, d == day, not any(s.remaining for s in slots_)
        )
        for d, slots_ in by_day.items()
    ]
    return Picker(
        listing.id,
        key,
        offering_id,
        items_shown,
        chips,
        day,
        slots,
        bookable.travels,
        party_max,
        values,
        errors,
    )


@dataclass(frozen=True)
class Product:
    id: int
    name: dict[str, str]
    price: int
    stock: int | None
    quantity: int

    @property
    def sold_out(self) -> bool:
        return self.stock is not None and self.stock <= 0

    @property
    def low(self) -> bool:
        return self.stock is not None and 0 < self.stock <= LOW_STOCK

    @property
    def most(self) -> int:
        return min(99, self.stock) if self.stock is not None else 99


@dataclass
class Cart:
    listing_id: int
    products: list[Product]
    pickup: bool
    delivery: bool
    delivery_fee: int
    min_order: int
    values: dict[str, str]
    errors: dict[str, str]
    key: str = field(default_factory=new_key)


def shop_cart(listing: PublicListing, values: dict[str, str], errors: dict[str, str]) -> Cart:
    attrs = listing.attributes
    products = []
    for o in listing.offerings:
        if o.kind is not OfferingKind.PRODUCT:
            continue
        try:
            quantity = max(0, int(values.get(f"qty_{o.id}", "0") or 0))
        except ValueError:
            quantity = 0
        products.append(Product(o.id, dict(o.name), o.price, o.stock, quantity))
    delivery = bool(attrs.get("delivery")) and listing.service_area is not None
    return Cart(
        listing.id,
        products,
        bool(attrs.get("pickup", True)),
        delivery,
        int(attrs.get("delivery_fee") or 0),
        int(attrs.get("min_order") or 0),
        values,
        errors,
    )


async def render_listing(
    request: Request,
    listing_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The listing page (listing_pages' context) with the picker or the cart under it."""
    city = request.app.state.city
    listing = await get_public_listing(listing_id, city)
    context: dict[str, Any] = listing_context(request, listing, now(request))
    # the heart and its count; a resident's view goes to their recently viewed
    context["favourite"] = await listing_favourite(request, listing_id)
    values, errors = values or {}, errors or {}
    if not values:
        # a first look at the page: the address starts as the resident's saved one, if any
        values = await serving_address_values(request)
    if listing.vertical is Vertical.SHOP:
        context["cart"] = shop_cart(listing, values, errors)
        context["booking"] = None
        context["pickup"] = await cart_pickup(request, listing_id)
    else:
        context["cart"] = None
        context["booking"] = await booking_picker(request, listing_id, values, errors)
    return await render(request, "listing.html", context, status_code=status_code)


def when_label(request: Request, at: datetime) -> str:
    """周四 11月26日 09:00 / Thu, Nov 26 09:00, in the city's time."""
    city = request.app.state.city
    locale = babel_locale(request_locale(request))
    local = at.astimezone(city.tz)
    weekday = get_day_names("abbreviated", locale=locale)[local.weekday()]
    day = format_skeleton("MMMd", local.date(), locale=locale)
    return f"{weekday} {day} {local:%H:%M}"
