"""Refunds the system owes without anyone asking, made after the change that caused them has
committed: a cancelled purchase with a refund due (its kind says how much), a payment that
arrived after its hold expired, and refunds left pending because the provider could not be
reached. The worker's `refunds` job runs `refund_what_is_due`; each refund has a fixed ordinal,
so running it again, or in two workers at once, makes no second refund."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from marketplace import clock
from marketplace.errors import MarketplaceError
from payments.interfaces import PaymentError, PaymentProvider
from payments.models import Payment, Refund
from payments.pay_at_store import PROVIDER_NAME as STORE
from payments.purchase_kinds import kind_of
from payments.refunds import request_refund, send, spread
from payments.types import PAID, RefundReason, RefundState

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings

log = logging.getLogger("taocity.payments")
RESEND_AFTER = timedelta(minutes=1)  # a request still in flight is not resent meanwhile


async def refund_owed(
    city: City, provider: PaymentProvider, payment_id: int, *, now: datetime | None = None
) -> Refund:
    """The whole of a payment that confirmed nothing goes back."""
    payment = await Payment.get(id=payment_id)
    return await request_refund(
        city, provider, payment, payment.amount, RefundReason.SLOT_GONE, ordinal=1, now=now
    )


async def refund_cancelled(
    city: City,
    provider: PaymentProvider,
    payment: Payment,
    amount: int,
    *,
    now: datetime | None = None,
) -> Refund:
    return await request_refund(
        city, provider, payment, amount, RefundReason.CANCELLED, ordinal=1, now=now
    )


async def _cancelled_with_refund_due() -> list[tuple[Payment, int]]:
    """(tender, part of the refund due) for each purchase its kind says was cancelled with a
    refund due whose refund has not been asked for, spread across its tenders (`spread`)."""
    due: list[tuple[Payment, int]] = []
    paid = await Payment.filter(
        state__in=list(PAID), refund_owed=False, provider__not=STORE
    ).prefetch_related("payable")
    asked = set(
        await Refund.filter(
            payment_id__in=[p.id for p in paid], reason=RefundReason.CANCELLED.value
        ).values_list("payment__payable_id", flat=True)
    )
    by_kind: dict[str, dict[int, list[Payment]]] = defaultdict(lambda: defaultdict(list))
    for p in paid:
        if p.payable_id not in asked:  # type: ignore[attr-defined]
            by_kind[p.payable.kind][p.payable.ref_id].append(p)
    for name, tenders in by_kind.items():
        owed = await kind_of(name).refunds_due(list(tenders))
        for ref_id, amount in owed.items():
            if amount > 0:
                due += await spread(amount, tenders[ref_id])
    return due


async def refund_what_is_due(city: City, settings: Settings, *, now: datetime | None = None) -> int:
    """Ask for every refund the system owes; returns how many were asked for or resent."""
    from payments.factory import provider_for

    now = now or clock.now()
    work: list[tuple[str, Payment, object]] = []
    for payment in await Payment.filter(refund_owed=True, state__in=list(PAID)):
        if not await Refund.filter(payment_id=payment.id).exists():
            work.append(("owed", payment, None))
    for payment, amount in await _cancelled_with_refund_due():
        work.append(("cancelled", payment, amount))
    stuck = await Refund.filter(
        state=RefundState.PENDING, provider_ref=None, created_at__lte=now - RESEND_AFTER
    ).prefetch_related("payment")
    work += [("resend", refund.payment, refund) for refund in stuck]
    handled = 0
    for what, payment, extra in work:
        try:
            provider = provider_for(city, settings, payment.provider)
            if what == "owed":
                await refund_owed(city, provider, payment.id, now=now)
            elif what == "cancelled":
                await refund_cancelled(city, provider, payment, int(extra), now=now)  # type: ignore[call-overload]
            else:
                await send(provider, payment, extra, now)  # type: ignore[arg-type]
        except (PaymentError, MarketplaceError) as exc:
            log.warning("refund (%s) of payment %d not made yet: %s", what, payment.id, exc)
            continue
        handled += 1
    return handled
