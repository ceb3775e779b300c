"""What residents are told about their money, in Chinese and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import format_currency

from listings.money import minor_units_to_decimal
from marketplace.accounts.models import Account
from marketplace.notices.services import notify
from payments.models import Payment
from payments.purchase_kinds import Purchase, PurchaseKind

if TYPE_CHECKING:
    from marketplace.city import City


async def tell_refund_coming(
    city: City, kind: PurchaseKind, purchase: Purchase, payment: Payment
) -> None:
    """The payment arrived after the hold ran out (or the purchase was cancelled): it all goes
    back."""
    resident = await Account.get(id=payment.resident_id)  # type: ignore[attr-defined]
    amount = minor_units_to_decimal(payment.amount, payment.currency)
    zh = format_currency(amount, payment.currency, locale="zh_CN")
    en = format_currency(amount, payment.currency, locale="en")
    name = purchase.description("zh-CN"), purchase.description("en")
    await notify(
        resident,
        "payment_refunded_hold_expired",
        {
            "zh-CN": f"付款晚于保留时间，已全额退款：{name[0]}",
            "en": f"Paid after the hold ended, refunded in full: {name[1]}",
        },
        {
            "zh-CN": f"您的付款 {zh} 到账时名额已释放，我们已发起全额退款。",
            "en": f"Your payment of {en} arrived after the place was released; "
            "we have started a full refund.",
        },
        kind.link,
    )
