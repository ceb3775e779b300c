"""Paying at the store: the embedded default, no keys needed.

Nothing is started at a provider: choosing it confirms the purchase with payment due at the
merchant, and the merchant records what was received when completing the purchase by its code
(`settle_at_store`, in the completion's transaction); `record_store_payment` records it on its
own for a purchase completed before that. Money taken at the store is given back at the
store, so this provider makes no refunds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from listings.permissions import is_staff_of
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.notices.services import atomic
from payments import ledger, purchase_kinds
from payments.errors import NotPayable, PayableNotFound, RefundsNotSupported
from payments.interfaces import (
    InvalidEvent,
    Payable,
    ProviderEvent,
    RefundResult,
    ReturnUrls,
    StartedPayment,
)
from payments.keys import payable_key
from payments.models import Payable as PayableRow
from payments.models import Payment
from payments.payables import add_adjustment, payable_of
from payments.pricing import Adjustment
from payments.tenders import create_tender, paid_so_far
from payments.types import STORE_PROVIDER, PaymentState

if TYPE_CHECKING:
    from marketplace.city import City

PROVIDER_NAME = STORE_PROVIDER


class PayAtStoreProvider:
    name = PROVIDER_NAME
    supports_refunds = False
    online = False

    async def start_payment(
        self,
        payable: Payable,
        *,
        idempotency_key: str,
        urls: ReturnUrls,
        methods: Sequence[str],
    ) -> StartedPayment:
        return StartedPayment(provider=self.name, provider_ref=f"store:{payable.reference}")

    def parse_event(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise InvalidEvent("paying at the store has no provider events")

    async def refund(self, provider_ref: str, amount: int, *, idempotency_key: str) -> RefundResult:
        raise RefundsNotSupported("money paid at the store is given back at the store")


async def record_store_payment(
    city: City,
    staff: Account,
    kind: str,
    ref_id: int,
    *,
    now: datetime | None = None,
) -> Payment:
    """The merchant's staff record that the resident paid at the store; once per purchase
    (recording it again returns the first record). The tender is what is left to pay."""
    now = now or clock.now()
    adapter, purchase = await purchase_kinds.load(str(kind), ref_id)
    if not await is_staff_of(staff, purchase.merchant_id):
        raise PayableNotFound(f"No such {adapter.name}.")
    payable = await payable_of(adapter.name, ref_id)
    key = _store_key(payable)
    existing = await Payment.get_or_none(idempotency_key=key)
    if existing is not None:
        return existing
    if not purchase.waits_at_store:
        raise NotPayable(f"this {adapter.name} is not waiting for payment at the store")
    left = payable.amount_due - await paid_so_far(payable)
    try:
        async with atomic():
            payment = await _store_tender(city, payable, left)
    except IntegrityError:  # recorded by someone else at the same moment
        return await Payment.get(idempotency_key=key)
    return payment


def _store_key(payable: PayableRow) -> str:
    # one store tender per payable, whichever path records it
    return f"{payable_key(payable.kind, payable.ref_id)}-store"


async def _store_tender(city: City, payable: PayableRow, amount: int) -> Payment:
    """The tender of `amount` taken at the store, split, and its ledger transaction."""
    payment = await create_tender(
        city,
        payable,
        provider=PROVIDER_NAME,
        provider_ref=f"store:{payable.reference}",
        attempt=1,
        amount=amount,
        state=PaymentState.SUCCEEDED,
        idempotency_key=_store_key(payable),
    )
    await ledger.record_store_payment(payment)
    return payment


async def left_to_pay(kind: str, ref_id: int) -> int:
    """What is still due on a purchase (0 when it has no payable: nothing is due)."""
    payable = await PayableRow.get_or_none(kind=kind, ref_id=ref_id)
    if payable is None:
        return 0
    return max(payable.amount_due - await paid_so_far(payable), 0)


async def settle_at_store(
    city: City,
    kind: str,
    ref_id: int,
    received: int,
    *,
    discount: Adjustment | None = None,
) -> Payment | None:
    """What the merchant received at the store when completing a purchase, recorded through
    the one tender path (split, ledger). Call inside the completion's transaction, after the
    purchase's state moved (the move is what makes a second completion fail), so the payment
    and the completion commit or roll back together.

    `received` must not exceed what is left to pay. Less is a merchant-funded `discount` line
    (the caller says why): the amount due becomes what was received, and commission is charged
    on that. Nothing received (all of it waived) moves no money: no tender, no ledger entry."""
    payable = await payable_of(kind, ref_id)
    left = payable.amount_due - await paid_so_far(payable)
    if received < 0 or received > left:
        raise ValueError(f"received {received} of {left} left to pay")
    if received < left:
        if discount is None or discount.amount != received - left:
            raise ValueError(f"a discount of {left - received} must be given with its reason")
        await add_adjustment(payable, discount)
    if received == 0:
        return None
    return await _store_tender(city, payable, received)
