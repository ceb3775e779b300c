"""What the cart and the order pages say about pickup times: the first possible time (and, while
the shop is closed, that the order is for its next opening), the times to choose from, and a
time in words (今天 18:20 / 明天 09:20 / 周五 11月27日 09:20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_skeleton, get_day_names
from starlette.requests import Request

from marketplace.orders.pickup import PickupChoice, pickup_choice_for
from web.i18n import babel_locale, request_locale, translator
from web.routes.resident_common import now


def pickup_label(request: Request, at: datetime) -> str:
    """A pickup time in the city's time, the day said the way people say it."""
    _ = translator(request)
    city = request.app.state.city
    local = at.astimezone(city.tz)
    days = (local.date() - now(request).astimezone(city.tz).date()).days
    if days == 0:
        day = _("Today")
    elif days == 1:
        day = _("Tomorrow")
    else:
        locale = babel_locale(request_locale(request))
        weekday = get_day_names("abbreviated", locale=locale)[local.weekday()]
        day = f"{weekday} {format_skeleton('MMMd', local.date(), locale=locale)}"
    return f"{day} {local:%H:%M}"


@dataclass(frozen=True)
class PickupOffer:
    asap: str  # the first possible time in words; "" when none
    closed_note: str  # "本店已打烊，最早 明天 09:20 可取" while the shop is closed
    options: list[tuple[str, str]]  # (ISO value, words) after the first
    choice: PickupChoice


async def cart_pickup(request: Request, listing_id: int) -> PickupOffer | None:
    _ = translator(request)
    found = await pickup_choice_for(request.app.state.city, listing_id, now(request))
    if found is None:
        return None
    asap = pickup_label(request, found.asap) if found.asap else ""
    note = ""
    if found.for_next_opening:
        note = _("The shop is closed now; the earliest pickup is %(when)s.") % {"when": asap}
    options = [(t.isoformat(), pickup_label(request, t)) for t in found.slots[1:]]
    return PickupOffer(asap, note, options, found)
