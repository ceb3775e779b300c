"""A merchant enters or scans a resident's code: whatever purchase has it (a booking is
completed, an order handed over) is found by one look-up, codes being unique across kinds.
Two steps: `look_up_code` says what it is, when, and what is due at the store; `complete_code`
completes it with what was received (`marketplace.completion`), in one transaction. A code
works once, and only for the merchant whose purchase it is: another merchant's code is "not
found", the same as a code that does not exist, so codes cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from marketplace import clock, completion
from marketplace.accounts.models import Account

# importing the kinds registers them, so a code's row finds its kind
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.codes import normalise_code
from marketplace.completion import Settlement, WithoutPayment
from marketplace.errors import FieldError, ValidationFailed
from marketplace.lifecycle import StateChanged, TransitionNotAllowed
from marketplace.orders.kind import ORDERS
from marketplace.orders.models import Order
from marketplace.purchases import codes
from marketplace.purchases.access import is_merchants
from marketplace.purchases.errors import CodeAlreadyUsed, CodeNotFound
from marketplace.purchases.kinds import PurchaseKind

if TYPE_CHECKING:
    from marketplace.city import City

NOT_FOUND = "no booking or order of yours has this code"
KINDS = (BOOKINGS, ORDERS)


def _not_found() -> CodeNotFound:
    return CodeNotFound(f"code: {NOT_FOUND}", errors=[FieldError("code", NOT_FOUND)])


def _used() -> CodeAlreadyUsed:
    reason = "this code has already been used"
    return CodeAlreadyUsed(f"code: {reason}", errors=[FieldError("code", reason)])


def _not_allowed(reason: str) -> TransitionNotAllowed:
    # the state forbids it (cancelled, still held): a conflict with the state, not bad input
    return TransitionNotAllowed(f"code: {reason}", errors=[FieldError("code", reason)])


@dataclass(frozen=True)
class CodeCheck:
    """What a code stands for, shown to the merchant before completing: the purchase, the
    amount to take at the store (0: nothing to take), and when the code may complete it."""

    kind: PurchaseKind
    purchase: Booking | Order
    due_at_store: int
    opens_at: datetime | None
    closes_at: datetime | None


async def _found(city: City, merchant: Account, text: str) -> tuple[PurchaseKind, Any]:
    code = normalise_code(text)
    if code is None:
        raise ValidationFailed.on("code", "is not a code: 8 letters and digits, as XXXX-XXXX")
    found = await codes.find(code)
    if found is None:
        raise _not_found()
    kind, purchase = found
    if kind.redeem is None or not await is_merchants(merchant, purchase):
        raise _not_found()
    if purchase.code_used_at is not None:
        raise _used()
    return kind, purchase


def _redeemable(kind: PurchaseKind, purchase: Any) -> None:
    """TransitionNotAllowed (in the code box's words) when the purchase's state forbids it."""
    try:
        completion.check_completable(kind, purchase)
    except TransitionNotAllowed:
        raise _not_allowed(kind.not_redeemable(purchase)) from None


async def look_up_code(
    city: City, merchant: Account, text: str, *, now: datetime | None = None
) -> CodeCheck:
    """The first step of the code box: what the code is, when, and what is due at the store.
    Refuses as completing would (not found, used, its state, too early, too late), so the
    merchant learns it before asking the customer for money."""
    now = now or clock.now()
    kind, purchase = await _found(city, merchant, text)
    _redeemable(kind, purchase)
    completion.check_window(kind, city, purchase, now)
    opens, closes = completion.window(kind, city, purchase)
    due = await completion.due_at_store(kind, purchase)
    return CodeCheck(kind, purchase, due, opens, closes)


async def complete_code(
    city: City,
    merchant: Account,
    text: str,
    settlement: Settlement | None = None,
    *,
    now: datetime | None = None,
) -> Booking | Order:
    """The second step: complete (a booking) or hand over (an order) the purchase with this
    code, with what was received at the store (`Settlement`) recorded in the same transaction.
    Money due at the store and no settlement: a 422 on `received`."""
    now = now or clock.now()
    kind, purchase = await _found(city, merchant, text)
    try:
        redeemed: Any = await completion.complete(kind, city, merchant, purchase, settlement, now)
    except StateChanged:
        raise _used() from None
    except TransitionNotAllowed:
        raise _not_allowed(kind.not_redeemable(purchase)) from None
    return redeemed


__all__ = [
    "BookingState",
    "CodeCheck",
    "Settlement",
    "WithoutPayment",
    "complete_code",
    "look_up_code",
]
