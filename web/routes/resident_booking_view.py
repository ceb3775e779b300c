"""What the resident's booking pages show of a booking: its state as a chip, when and where in
the city's words, the hold's countdown, the code and its QR, and the cancellation policy with
what cancelling now would give back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from geo.areas import pick_name
from marketplace.bookings.cancellation import policy_for
from marketplace.bookings.kind import BOOKING, cancellation_refund, paid_ahead
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.codes import display_code, qr_svg
from marketplace.lifecycle import ActorRole
from payments import payable_view
from payments.starting import online_payment_offered
from web.i18n import N_, request_locale, translator
from web.payable_json import payable_shown
from web.purchase_names import PageNames, names_for
from web.routes.resident_common import clock_text, now, seconds_left
from web.routes.resident_picker import when_label

B = BookingState
# (label, tone): tones are ok (green), wait (orange), off (grey)
STATES: dict[BookingState, tuple[str, str]] = {
    B.HELD: (N_("Awaiting confirmation"), "wait"),
    B.PENDING_PAYMENT: (N_("Awaiting payment"), "wait"),
    B.CONFIRMED: (N_("Confirmed"), "ok"),
    B.COMPLETED: (N_("Completed"), "off"),
    B.CANCELLED_BY_RESIDENT: (N_("Cancelled"), "off"),
    B.CANCELLED_BY_MERCHANT: (N_("Cancelled by the merchant"), "off"),
    B.EXPIRED: (N_("Expired"), "off"),
    B.NO_SHOW: (N_("Missed"), "off"),
}
SHOWS_CODE = frozenset({B.CONFIRMED, B.COMPLETED})
CANCELLABLE = frozenset({B.HELD, B.PENDING_PAYMENT, B.CONFIRMED})


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    item: str
    when: str
    state: str
    tone: str
    code: str


def _expired(booking: Booking, request: Request) -> bool:
    if booking.state == B.EXPIRED:
        return True
    ends = booking.hold_expires_at
    waiting = booking.state in (B.HELD, B.PENDING_PAYMENT)
    return waiting and ends is not None and ends <= now(request)


def _state(request: Request, booking: Booking) -> tuple[str, str]:
    _ = translator(request)
    state = B.EXPIRED if _expired(booking, request) else B(booking.state)
    label, tone = STATES[state]
    return _(label), tone


def _when(request: Request, booking: Booking) -> str:
    end = booking.ends_at.astimezone(request.app.state.city.tz)
    return f"{when_label(request, booking.starts_at)}–{end:%H:%M}"


def party_words(request: Request, booking: Booking) -> str:
    """ "4 位" for a table (whatever its size: the size is what was reserved), and for a booking
    of a service only when more than one person comes."""
    n = booking.party_size
    if booking.offering_id is not None and n <= 1:
        return ""
    catalogs = request.app.state.catalogs
    words = catalogs.ngettext(request_locale(request), "%(num)s guest", "%(num)s guests", n)
    return str(words % {"num": n})


def item_words(request: Request, booking: Booking, offering: dict[str, str] | None) -> str:
    """What was booked, as the lists and the page name it: "订座 · 4位", "日常保洁 2 小时"."""
    _ = translator(request)
    name = pick_name(offering, request_locale(request)) if offering else _("Table reservation")
    party = party_words(request, booking)
    return f"{name} · {party}" if party else name


def list_row(request: Request, booking: Booking, names: PageNames) -> Row:
    locale = request_locale(request)
    place = names.places.get(booking.listing_id)  # type: ignore[attr-defined]
    offering = names.offerings.get(booking.offering_id or 0)  # type: ignore[attr-defined]
    label, tone = _state(request, booking)
    shown = booking.state in SHOWS_CODE
    return Row(
        booking.id,
        pick_name(place.name, locale) if place else "",
        item_words(request, booking, offering),
        _when(request, booking),
        label,
        tone,
        display_code(booking.code) if shown else "",
    )


def policy_words(request: Request, hours: int, percent: float, *, money: str) -> str:
    """The policy in words. `money` says what the fee would be taken from: "paid" (paid ahead),
    "due" (still to pay before the booking holds), "none" (a free booking) or "unpaid" (paid
    later, at the store or in person): a fee on what was paid means nothing in the last two."""
    _ = translator(request)
    fee = f"{percent:g}"
    if not percent or money == "none":
        return _("Free to cancel at any time.")
    if money == "unpaid":
        return _("You have not paid anything yet, so cancelling costs you nothing.")
    if not hours:
        return _("Cancelling keeps %(fee)s%% of what you paid.") % {"fee": fee}
    return _(
        "Free to cancel until %(hours)s hours before the start; later, %(fee)s%% of what you "
        "paid is kept."
    ) % {"hours": hours, "fee": fee}


def _money(booking: Booking, due: int, paid: int, expired: bool) -> str:
    """What a late fee would be taken from (see `policy_words`)."""
    if paid:
        return "paid"
    if not due:
        return "none"
    waiting = booking.state in (B.HELD, B.PENDING_PAYMENT) and not expired
    return "due" if waiting else "unpaid"


async def booking_view(
    request: Request, booking: Booking, errors: dict[str, str]
) -> dict[str, Any]:
    city = request.app.state.city
    locale = request_locale(request)
    at = now(request)
    names = await names_for([booking])
    place = names.places.get(booking.listing_id)  # type: ignore[attr-defined]
    offering = names.offerings.get(booking.offering_id or 0)  # type: ignore[attr-defined]
    policy = policy_for(city, booking.cancellation_policy)
    payable = await payable_view.view(BOOKING, booking.id)
    # what cancelling now would give back: the rule the cancellation itself applies
    paid = await paid_ahead(booking)
    refund = (await cancellation_refund(city, booking, ActorRole.RESIDENT, at)).due
    expired = _expired(booking, request)
    left = 0 if expired else seconds_left(booking.hold_expires_at, at)
    state_label, tone = _state(request, booking)
    return {
        "booking": booking,
        "row": list_row(request, booking, names),
        "place": place,
        "place_name": pick_name(place.name, locale) if place else "",
        "place_address": pick_name(place.address, locale) if place and place.address else "",
        "item": item_words(request, booking, offering),
        "when": _when(request, booking),
        "state_label": state_label,
        "tone": tone,
        "held": booking.state == B.HELD and not expired,
        "expired": expired,
        "seconds_left": left,
        "clock": clock_text(left),
        "payable": payable_shown(request, payable) if payable else None,
        "pay_online": bool(payable and payable.amount_due)
        and await online_payment_offered(
            request.app.state.city,
            request.app.state.settings,
            booking.listing_id,  # type: ignore[attr-defined]
        ),
        "code": display_code(booking.code) if booking.state in SHOWS_CODE else "",
        "qr": Markup(qr_svg(booking.code)) if booking.state in SHOWS_CODE else "",
        "policy_name": policy.display_name(locale),
        "policy_words": policy_words(
            request,
            policy.free_until_hours,
            float(policy.late_fee_percent),
            money=_money(booking, payable.amount_due if payable else 0, paid, expired),
        ),
        "paid": paid,
        "refund": refund,
        "cancellable": booking.state in CANCELLABLE and not expired,
        "errors": errors,
        "again": f"/listings/{booking.listing_id}#book",  # type: ignore[attr-defined]
    }
