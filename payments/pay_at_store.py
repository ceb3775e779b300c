"""Paying at the store: the embedded default, no keys needed.

Nothing is started at a provider: choosing it confirms the booking or order with payment due at
the merchant, and the merchant records the payment when the resident pays
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
from marketplace.bookings.types import PaymentMode
from marketplace.notices.services import atomic
from payments import ledger, payables
from payments.commission import fee_for
from payments.errors import NotPayable, PayableNotFound, RefundsNotSupported
from payments.interfaces import (
    InvalidEvent,
    Payable,
    PayableKind,
    ProviderEvent,
    RefundResult,
    ReturnUrls,
    StartedPayment,
)
from payments.models import Payment
from payments.split import split, whole_amount
from payments.split_store import store_split
from payments.types import PaymentState

if TYPE_CHECKING:
    from marketplace.city import City

PROVIDER_NAME = "pay_at_store"
# states in which what was booked or ordered stands (or was used) and can be paid for
PAYABLE_AT_STORE = frozenset(
    {"confirmed", "completed", "no_show", "preparing", "ready", "picked_up", "delivered"}
)


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
    kind: PayableKind | str,
    payable_id: int,
    *,
    now: datetime | None = None,
) -> Payment:
    """The merchant's staff record that the resident paid at the store; once per booking or
    order (recording it again returns the first record)."""
    now = now or clock.now()
    target = await payables.load(kind, payable_id)
    if not await is_staff_of(staff, target.merchant_id):
        raise PayableNotFound(f"No such {target.kind.value}.")
    key = f"{target.key}-store"
    existing = await Payment.get_or_none(idempotency_key=key)
    if existing is not None:
        return existing
    record = target.record
    if record.payment_mode != PaymentMode.PAY_AT_STORE or target.state not in PAYABLE_AT_STORE:
        raise NotPayable(f"this {target.kind.value} is not waiting for payment at the store")
    try:
        async with atomic():
            payment = await Payment.create(
                kind=target.kind,
                booking_id=target.id if target.kind is PayableKind.BOOKING else None,
                order_id=target.id if target.kind is PayableKind.ORDER else None,
                resident_id=target.resident_id,
                merchant_id=target.merchant_id,
                provider=PROVIDER_NAME,
                provider_ref=f"store:{target.kind.value}:{target.id}",
                attempt=1,
                amount=record.amount,
                currency=record.currency,
                application_fee=fee_for(city, target.vertical, record.amount),
                state=PaymentState.SUCCEEDED,
                idempotency_key=key,
            )
            percent = city.commission[target.vertical]
            shares = split(
                whole_amount(record.amount), merchant_id=target.merchant_id, percent=percent
            )
            await store_split(payment, shares)
            await ledger.record_store_payment(payment)
    except IntegrityError:  # recorded by someone else at the same moment
        return await Payment.get(idempotency_key=key)
    return payment
