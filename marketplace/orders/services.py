"""The verbs of an order after checkout: confirm, cancel, prepare, ready, hand over by code,
expire. Each is one transaction that moves the state through the purchase kernel
(`marketplace.purchases`: it gives the stock back when the new state releases it, once, records
who did it and tells the resident and the shop); what is particular to orders is in `kind`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole
from marketplace.orders import kind
from marketplace.orders.checkout import place_order
from marketplace.orders.kind import ORDERS
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from marketplace.purchases import access, engine, verbs
from marketplace.purchases.payment_mode import PaymentMode

if TYPE_CHECKING:
    from marketplace.city import City

__all__ = [
    "advance_order",
    "cancel_order",
    "confirm_order",
    "expire_orders",
    "make_ready",
    "place_order",
]


async def get_order(actor: Account, order_id: int) -> tuple[Order, ActorRole]:
    return await access.get_purchase(ORDERS, actor, order_id)


async def move(
    order: Order,
    target: OrderState,
    role: ActorRole,
    actor: Account | None,
    now: datetime,
    *,
    reason: str | None = None,
    extra: dict[str, object] | None = None,
) -> Order:
    """One transition, with what goes with it, in one transaction (`marketplace.purchases`)."""
    return await engine.move(ORDERS, order, target, role, actor, now, reason=reason, extra=extra)


async def confirm_order(
    city: City,
    resident: Account,
    order_id: int,
    payment_mode: PaymentMode | str,
    *,
    now: datetime | None = None,
) -> Order:
    """Pay at the store: confirmed now. Online, the order stays held until checkout starts the
    payment (`marketplace.purchases.verbs.confirm`)."""
    order: Order = await verbs.confirm(ORDERS, city, resident, order_id, payment_mode, now=now)
    return order


async def cancel_order(
    city: City,
    actor: Account,
    order_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Cancelling an order refunds whatever was paid online in full (goods, not time)."""
    cancelled, _role = await verbs.cancel(ORDERS, city, actor, order_id, reason=reason, now=now)
    return cancelled


async def advance_order(
    merchant: Account, order_id: int, target: OrderState | str, *, now: datetime | None = None
) -> Order:
    """The shop accepts (preparing) or marks ready; handing over needs the code (redeem)."""
    now = now or clock.now()
    order, role = await get_order(merchant, order_id)
    try:
        target = OrderState(target)
    except ValueError:
        raise ValidationFailed.on(
            "state", "must be one of: " + ", ".join(s.value for s in OrderState)
        ) from None
    if target in (OrderState.PICKED_UP, OrderState.DELIVERED):
        raise ValidationFailed.on("code", "enter the resident's code to hand the order over")
    return await move(order, target, role, merchant, now)


async def make_ready(merchant: Account, order_id: int, *, now: datetime | None = None) -> Order:
    """The shop confirms an order is ready (each step still ahead of it moved in turn, with its
    time), as when its pickup code is entered before it was marked ready."""
    order, _role = await get_order(merchant, order_id)
    return await kind.make_ready(merchant, order, now or clock.now())


async def hand_over(merchant: Account, order: Order, *, now: datetime | None = None) -> Order:
    """Hands a ready order over (picked up, or delivered) once the resident's code matched."""
    return await kind.hand_over(merchant, order, now or clock.now())


async def expire_orders(*, now: datetime | None = None) -> int:
    """Release the stock of every order hold past its time, each exactly once."""
    return await verbs.expire(ORDERS, None, now=now)
