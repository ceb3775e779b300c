"""What residents and merchants are told when a booking changes, in every catalog's language
(the texts are the translation catalogs', `marketplace.notices.texts`).

One notice per party per change, with a link to where they act on it. Sent inside the change's
transaction (`notices.atomic`), so a rolled-back change tells nobody.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from geo.areas import pick_name
from listings.models import Listing
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.codes import display_code
from marketplace.notices.texts import joined, texts, translated
from marketplace.purchases.notices import tell_parties

RESIDENT_LINK = "/me/bookings"
# the queue of the business the notice is about, not whichever the reader opened last
MERCHANT_LINK = "/merchant/{merchant_id}/bookings"

# (resident title, merchant title) per new state: message ids of the catalogs, {when} and
# {name} filled in per locale
TITLES: dict[BookingState, tuple[str, str | None]] = {
    BookingState.CONFIRMED: ("Booked: {name}, {when}", "New booking: {when}"),
    BookingState.COMPLETED: ("Done: {name}, {when}", None),
    BookingState.CANCELLED_BY_RESIDENT: (
        "You cancelled: {name}, {when}",
        "A customer cancelled {when}",
    ),
    BookingState.CANCELLED_BY_MERCHANT: ("{name} cancelled your {when} booking", None),
    BookingState.EXPIRED: ("Hold expired: {name}, {when}", None),
    BookingState.NO_SHOW: ("Marked as no-show: {name}, {when}", None),
}
REMINDER = "Reminder: {name}, {when}"
CODE = "Booking code {code}"
REFUND = "Refund {refund}"
# how a notice shows a time, as babel patterns; each locale's catalog has its own
WHEN = "EEE d MMM HH:mm"


def local_when(at: datetime, timezone: str, locale: str) -> str:
    local = at.astimezone(ZoneInfo(timezone))
    return format_datetime(local, translated(WHEN, locale), locale=locale.replace("-", "_"))


def _texts(message: str, booking: Booking, listing: Listing, tz: str) -> dict[str, str]:
    return texts(
        message,
        name=lambda tag: pick_name(listing.name, tag),
        when=lambda tag: local_when(booking.starts_at, tz, tag),
    )


def _body(booking: Booking, refund: str | None) -> dict[str, str]:
    parts = []
    if booking.state == BookingState.CONFIRMED:
        parts.append(texts(CODE, code=display_code(booking.code)))
    if refund:
        parts.append(texts(REFUND, refund=refund))
    return joined(parts)


async def booking_changed(booking: Booking, timezone: str, refund: str | None = None) -> None:
    state = BookingState(booking.state)
    if state not in TITLES:
        return
    resident_title, merchant_title = TITLES[state]
    listing = await Listing.get(id=booking.listing_id)  # type: ignore[attr-defined]
    body = _body(booking, refund)
    await tell_parties(
        booking,
        listing,
        f"booking_{state.value}",
        (
            _texts(resident_title, booking, listing, timezone),
            body if any(body.values()) else None,
            f"{RESIDENT_LINK}/{booking.id}",
        ),
        None
        if merchant_title is None
        else (
            _texts(merchant_title, booking, listing, timezone),
            MERCHANT_LINK.format(merchant_id=listing.merchant_id),
        ),
    )


async def reminder(booking: Booking, timezone: str) -> None:
    listing = await Listing.get(id=booking.listing_id)  # type: ignore[attr-defined]
    await tell_parties(
        booking,
        listing,
        "booking_reminder",
        (
            _texts(REMINDER, booking, listing, timezone),
            texts(CODE, code=display_code(booking.code)),
            f"{RESIDENT_LINK}/{booking.id}",
        ),
    )
