"""What the code box says when a code is too early or too late to complete its purchase, in the
reader's language with the time in the city's zone, for the pages and the JSON API alike; and
how the completing history row's note reads in a queue."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton
from starlette.requests import Request

from marketplace.completion import Settled, WithoutPayment
from marketplace.errors import MarketplaceError
from marketplace.purchases.errors import CompletionTooEarly, CompletionTooLate
from web.i18n import N_, babel_locale, request_locale, translator

WITHOUT_PAYMENT: dict[str, str] = {
    WithoutPayment.ON_THE_HOUSE.value: N_("On the house"),
    WithoutPayment.MAKE_GOOD.value: N_("Made good for a problem"),
    WithoutPayment.OTHER.value: N_("Other reason"),
}


def moment(request: Request, at: datetime) -> str:
    """A day and a time as the reader writes them, in the city's zone: 11月26日 08:00."""
    city = request.app.state.city
    local = at.astimezone(city.tz)
    locale = babel_locale(request_locale(request))
    # CLDR has no skeleton joining a short month-day and a 24-hour time: two parts
    return f"{format_skeleton('MMMd', local, locale=locale)} {local:%H:%M}"


def window_refusal(request: Request, exc: MarketplaceError) -> str | None:
    """The refusal of a code outside its completion window, or None for any other error."""
    _ = translator(request)
    if isinstance(exc, CompletionTooEarly):
        return _("Too early: this can be completed from %(time)s.") % {
            "time": moment(request, exc.opens_at)
        }
    if isinstance(exc, CompletionTooLate):
        return _("Too late: the time to complete this by its code ended at %(time)s.") % {
            "time": moment(request, exc.closed_at)
        }
    return None


def settled_text(request: Request, settled: Settled | None) -> str:
    """How a completion was settled, for the queue: "免单" / "Discount: 抹零"."""
    if settled is None:
        return ""
    _ = translator(request)
    if settled.how == "without_payment":
        text = _("Without payment: %(reason)s") % {
            "reason": _(WITHOUT_PAYMENT.get(settled.reason or "", WITHOUT_PAYMENT["other"]))
        }
        return f"{text} ({settled.note})" if settled.note else text
    if settled.how == "discount":
        return _("Store discount: %(reason)s") % {"reason": settled.note or ""}
    return ""
