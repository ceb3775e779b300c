"""What the resident's booking and order pages share: the clock, reading a pin from a form,
and service errors as precise sentences in the reader's language, keyed by the field they are
about (so a page can show each next to its field)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request

from marketplace import clock
from marketplace.errors import MarketplaceError, ValidationFailed
from marketplace.input_bounds import id_number
from web.i18n import N_, request_locale, translator
from web.reasons import translate_reason

Translate = Callable[[str], str]


def posted_listing_id(form: dict[str, str]) -> int | None:
    """The listing a booking or cart form was posted from; None when it names no listing
    that could exist (a 404 for the page, never a query with an impossible id)."""
    try:
        return id_number(form.get("listing_id"), "listing_id")
    except ValidationFailed:
        return None


# Sentences for the errors residents cause on these pages, by the service's error code.
BY_CODE: dict[str, str] = {
    "slot_full": N_("Someone else just took this time. Please pick another one."),
    "slot_in_past": N_("This time has already begun. Please pick a later one."),
    "slot_too_soon": N_("This time is too soon for the merchant. Please pick a later one."),
    "beyond_horizon": N_("This time is too far ahead to book yet. Please pick an earlier one."),
    "no_such_slot": N_("This time is not offered. Please pick one of the times shown."),
    "address_required": N_(
        "Drop a pin on the map (or use your location) so they know where to come."
    ),
    "outside_service_area": N_(
        "This address is outside the area this merchant serves. "
        "Pick a place inside the orange area."
    ),
    "outside_delivery_area": N_(
        "This address is outside the shop's delivery area. "
        "Pick a place inside it, or pick up in store."
    ),
    "outside_city": N_("This place is outside %(city)s. Pick a place in the city."),
    "hold_expired": N_("Your hold ran out and the place was released. Please choose again."),
    "delivery_unavailable": N_("This shop does not offer that. Please choose pickup or delivery."),
}
_ONLY_LEFT = re.compile(r"only (?P<n>-?\d+) left")
_AT_MOST = re.compile(r"must be at most (?P<n>\d+) for this slot")
_MIN_ORDER = re.compile(r"the shop's minimum order is (?P<n>\d+) minor units")


def now(request: Request) -> datetime:
    """The app's clock (tests fix it on `app.state.clock`), else the system's."""
    fixed: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return fixed() if fixed is not None else clock.now()


def new_key() -> str:
    """A fresh idempotency key for a form: a double submit of one form makes one hold."""
    return secrets.token_urlsafe(18)


def _reason(request: Request, code: str, reason: str, money: Callable[[int], str]) -> str:
    _ = translator(request)
    city = request.app.state.city.display_name(request_locale(request))
    if code in BY_CODE:
        return _(BY_CODE[code]) % {"city": city}
    if match := _ONLY_LEFT.fullmatch(reason):
        n = max(0, int(match["n"]))
        return (_("Only %(n)s left.") if n else _("Sold out.")) % {"n": n}
    if match := _AT_MOST.fullmatch(reason):
        return _("At most %(n)s people for this time.") % {"n": match["n"]}
    if match := _MIN_ORDER.fullmatch(reason):
        return _("The shop's minimum order is %(amount)s.") % {"amount": money(int(match["n"]))}
    return translate_reason(_, reason, city=city)


def field_errors(
    request: Request,
    exc: MarketplaceError,
    fields: dict[str, str],
    money: Callable[[int], str] = str,
) -> dict[str, str]:
    """{area: sentence}: each error under the page area its field belongs to. `fields` maps a
    field's first part ("address", "starts_at", "lines") to an area; the rest go to "form"."""
    found: dict[str, str] = {}
    errors = exc.errors or []
    if not errors:
        found["form"] = _reason(request, exc.code, exc.message, money)
    for error in errors:
        head = re.split(r"[.\[]", error.field, maxsplit=1)[0]
        area = fields.get(error.field) or fields.get(head) or "form"
        found.setdefault(area, _reason(request, exc.code, error.reason, money))
    return found


def read_pin(form: dict[str, str]) -> dict[str, Any] | None:
    """The address a form carries ({lat, lng, text}), or None when no pin was dropped."""
    lat, lng = form.get("lat", "").strip(), form.get("lng", "").strip()
    if not lat and not lng:
        return None
    try:
        return {"lat": float(lat), "lng": float(lng), "text": form.get("address_text", "")[:200]}
    except ValueError:
        return {"lat": lat, "lng": lng, "text": form.get("address_text", "")[:200]}


def seconds_left(expires_at: datetime | None, at: datetime) -> int:
    if expires_at is None:
        return 0
    return max(0, int((expires_at - at).total_seconds()))


def clock_text(seconds: int) -> str:
    """09:41, as the countdown starts before any script runs."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
