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


def list_row(request: Request, booking: Booking, names: PageNames) -> Row:
    locale = request_locale(request)
    place = names.places.get(booking.listing_id)  # type: ignore[attr-defined]
    offering = names.offerings.get(booking.offering_id or 0)  # type: ignore[attr-defined]
    _ = translator(request)
    label, tone = _state(request, booking)
    shown = booking.state in SHOWS_CODE
    return Row(
        booking.id,
        pick_name(place.name, locale) if place else "",
        pick_name(offering, locale) if offering else _("Table reservation"),
        _when(request, booking),
        label,
        tone,
        display_code(booking.code) if shown else "",
    )


def policy_words(request: Request, hours: int, percent: float) -> str:
    _ = translator(request)
    fee = f"{percent:g}"
    if not percent:
        return _("Free to cancel at any time.")
    if not hours:
        return _("Cancelling keeps %(fee)s%% of what you paid.") % {"fee": fee}
    return _(
        "Free to cancel until %(hours)s hours before the start; later, %(fee)s%% of what you "
        "paid is kept."
    ) % {"hours": hours, "fee": fee}


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
        "item": pick_name(offering, locale) if offering else "",
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
            request, policy.free_until_hours, float(policy.late_fee_percent)
        ),
        "paid": paid,
        "refund": refund,
        "cancellable": booking.state in CANCELLABLE and not expired,
        "errors": errors,
        "again": f"/listings/{booking.listing_id}#book",  # type: ignore[attr-defined]
    }
