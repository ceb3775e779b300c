"""How a resident chose to pay for a purchase, checked against the city's providers."""

from __future__ import annotations

from enum import StrEnum

from marketplace.errors import ValidationFailed


class PaymentMode(StrEnum):
    PAY_AT_STORE = "pay_at_store"
    ONLINE = "online"


def payment_mode_for(value: object, providers: tuple[str, ...] | list[str]) -> PaymentMode:
    """The resident's choice, or a 422 on `payment_mode` when it is unknown or the city does
    not take it."""
    try:
        mode = PaymentMode(str(value))
    except ValueError:
        choices = ", ".join(m.value for m in PaymentMode)
        raise ValidationFailed.on("payment_mode", f"must be one of: {choices}") from None
    if mode is PaymentMode.PAY_AT_STORE and "pay_at_store" not in providers:
        raise ValidationFailed.on("payment_mode", "this city does not take payment at the store")
    return mode
