"""Paying at the store: the embedded default, no keys needed.

Nothing is started at a provider: choosing it confirms the purchase with payment due at the
merchant, and the merchant records the payment when the resident pays
(`record_store_payment`). Money taken at the store is given back at the store, so this provider
makes no refunds.
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
from payments.models import Payment
from payments.payables import payable_of
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
    key = f"{payable_key(payable.kind, payable.ref_id)}-store"
    existing = await Payment.get_or_none(idempotency_key=key)
    if existing is not None:
        return existing
    if not purchase.waits_at_store:
        raise NotPayable(f"this {adapter.name} is not waiting for payment at the store")
    left = payable.amount_due - await paid_so_far(payable)
    try:
        async with atomic():
            payment = await create_tender(
                city,
                payable,
                provider=PROVIDER_NAME,
                provider_ref=f"store:{payable.reference}",
                attempt=1,
                amount=left,
                state=PaymentState.SUCCEEDED,
                idempotency_key=key,
            )
            await ledger.record_store_payment(payment)
    except IntegrityError:  # recorded by someone else at the same moment
        return await Payment.get(idempotency_key=key)
    return payment
