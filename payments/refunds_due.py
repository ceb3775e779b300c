"""Refunds the system owes without anyone asking, made after the change that caused them has
committed: a cancelled booking or order with a refund due, a payment that arrived after its
hold expired, and refunds left pending because the provider could not be reached. The worker's
`refunds` job runs `refund_what_is_due`; each refund has a fixed ordinal, so running it again, or
in two workers at once, makes no second refund."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from marketplace import clock
from marketplace.errors import MarketplaceError
from payments.interfaces import PayableKind, PaymentError, PaymentProvider
from payments.models import Payment, Refund
from payments.pay_at_store import PROVIDER_NAME as STORE
from payments.refunds import request_refund, send
from payments.types import PAID, RefundReason, RefundState

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings

log = logging.getLogger("taocity.payments")
CANCELLED = ["cancelled_by_resident", "cancelled_by_merchant"]
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
    """(the payment that confirmed it, the refund due) for each cancelled booking or order
    whose refund has not been asked for."""
    due: list[tuple[Payment, int]] = []
    for kind, relation in ((PayableKind.BOOKING, "booking"), (PayableKind.ORDER, "order")):
        paid = await Payment.filter(
            kind=kind,
            state__in=list(PAID),
            refund_owed=False,
            provider__not=STORE,
            **{f"{relation}__state__in": CANCELLED, f"{relation}__refund_due__gt": 0},
        ).prefetch_related(relation)
        asked = set(
            await Refund.filter(
                payment_id__in=[p.id for p in paid], reason=RefundReason.CANCELLED.value
            ).values_list("payment_id", flat=True)
        )
        due += [(p, int(getattr(p, relation).refund_due)) for p in paid if p.id not in asked]
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
