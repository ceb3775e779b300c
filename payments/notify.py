"""What residents are told about their money, in the words of the translation catalogs
(`marketplace.notices.texts`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import format_currency

from listings.money import minor_units_to_decimal
from marketplace.accounts.models import Account
from marketplace.notices.services import notify
from marketplace.notices.texts import say
from payments.models import Payment
from payments.purchase_kinds import Purchase, PurchaseKind

if TYPE_CHECKING:
    from marketplace.city import City


# message ids of the catalogs (web/locale/*/LC_MESSAGES/messages.po)
REFUNDED_LATE_TITLE = "Paid after the hold ended, refunded in full: %(name)s"
REFUNDED_LATE_BODY = (
    "Your payment of %(amount)s arrived after the place was released; we have started a full "
    "refund."
)


async def tell_refund_coming(
    city: City, kind: PurchaseKind, purchase: Purchase, payment: Payment
) -> None:
    """The payment arrived after the hold ran out (or the purchase was cancelled): it all goes
    back. Told in every locale of the city, in the catalogs' words."""
    resident = await Account.get(id=payment.resident_id)  # type: ignore[attr-defined]
    amount = minor_units_to_decimal(payment.amount, payment.currency)
    title: dict[str, str] = {}
    body: dict[str, str] = {}
    for locale in city.locales:
        shown = format_currency(amount, payment.currency, locale=locale.replace("-", "_"))
        title[locale] = say(REFUNDED_LATE_TITLE, locale, name=purchase.description(locale))
        body[locale] = say(REFUNDED_LATE_BODY, locale, amount=shown)
    await notify(resident, "payment_refunded_hold_expired", title, body, kind.link)
