"""The verbs every kind of purchase has: cancel (by the resident or the merchant) and expire an
unpaid hold. What differs (the target states, what a cancellation refunds, what a notice needs)
comes from the kind's declaration."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from marketplace import clock
from marketplace.lifecycle import ActorRole, StateChanged
from marketplace.purchases.access import get_as_resident, get_purchase
from marketplace.purchases.engine import move
from marketplace.purchases.kinds import PurchaseKind
from marketplace.purchases.payment_mode import PaymentMode, payment_mode_for

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City

MAX_REASON = 300


def clean_reason(reason: str | None) -> str | None:
    return (reason or "").strip()[:MAX_REASON] or None


async def confirm(
    kind: PurchaseKind,
    city: City,
    resident: Account,
    purchase_id: int,
    payment_mode: PaymentMode | str,
    *,
    now: datetime | None = None,
) -> Any:
    """The resident confirms a hold. Paying at the store confirms it now (so does owing nothing,
    where the kind says so); online, it stays held: paying starts at checkout
    (`payments.start_payment`), the one path to pending payment, which payments takes through
    the kind's adapter."""
    now = now or clock.now()
    purchase = await get_as_resident(kind, resident, purchase_id)
    mode = payment_mode_for(payment_mode, city.payments.providers)
    if str(purchase.state) == "held" and hold_expired(purchase, now):
        await move(
            kind,
            purchase,
            kind.expired,
            ActorRole.SYSTEM,
            None,
            now,
            notice=kind.notice_context(city),
        )
        raise kind.hold_expired()
    if mode is PaymentMode.PAY_AT_STORE or (kind.free_confirms and purchase.amount == 0):
        confirmed = kind.states("confirmed")
        await move(
            kind,
            purchase,
            confirmed,
            ActorRole.RESIDENT,
            resident,
            now,
            extra={"payment_mode": mode.value, "hold_expires_at": None},
            notice=kind.notice_context(city),
        )
    return purchase


async def cancel(
    kind: PurchaseKind,
    city: City,
    actor: Account,
    purchase_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> tuple[Any, ActorRole]:
    """The resident or the merchant cancels; the refund due is the kind's to say. Returns the
    cancelled purchase and who cancelled it (pages answer each party differently)."""
    now = now or clock.now()
    purchase, role = await get_purchase(kind, actor, purchase_id)
    target = kind.cancelled_by[role]
    refund = await kind.refund(city, purchase, role, now) if kind.refund is not None else None
    due = refund.due if refund is not None else 0
    await move(
        kind,
        purchase,
        target,
        role,
        actor,
        now,
        reason=clean_reason(reason),
        extra={"refund_due": due, "hold_expires_at": None},
        notice={**kind.notice_context(city), **(refund.notice if refund else {})},
    )
    return purchase, role


async def expire(kind: PurchaseKind, city: City | None, *, now: datetime | None = None) -> int:
    """Let every unpaid hold past its time go, each exactly once; returns how many expired."""
    now = now or clock.now()
    due = await kind.model.filter(state__in=list(kind.expiring), hold_expires_at__lte=now).order_by(
        "id"
    )
    notice = kind.notice_context(city) if city is not None else {}
    expired = 0
    for purchase in due:
        try:
            await move(kind, purchase, kind.expired, ActorRole.SYSTEM, None, now, notice=notice)
        except StateChanged:  # another worker or the resident moved it first
            continue
        expired += 1
    return expired


def hold_expired(purchase: Any, now: datetime) -> bool:
    """Whether `purchase`'s hold ran out (a hold without an end never does)."""
    expires = purchase.hold_expires_at
    return expires is not None and expires <= now
