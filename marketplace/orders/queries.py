"""What the merchant's queues show: a shop's orders by state, and the people and items of the
bookings and orders on a queue page. Reads only; callers check who may read first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marketplace.accounts.models import Account
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.types import ACTIVE as ORDER_ACTIVE
from marketplace.orders.types import OrderState

# What a shop's queue shows unless asked otherwise: orders it still has to act on, and the
# finished ones of the last days.
QUEUE_STATES = (
    OrderState.CONFIRMED,
    OrderState.ACCEPTED,
    OrderState.PREPARING,
    OrderState.READY,
    OrderState.PICKED_UP,
    OrderState.DELIVERED,
    OrderState.CANCELLED_BY_RESIDENT,
    OrderState.CANCELLED_BY_MERCHANT,
)


async def merchant_orders(
    merchant_id: int, *, states: Sequence[OrderState] = (), limit: int = 100
) -> list[Order]:
    """A merchant's orders in `states` (all but unpaid holds and expired ones when empty),
    oldest first among those still to act on, since they are served in that order."""
    wanted = list(states) or list(QUEUE_STATES)
    rows = (
        await Order.filter(listing__merchant_id=merchant_id, state__in=wanted)
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    return sorted(rows, key=lambda o: (o.state not in _TO_ACT_ON, _order_key(o)))


_TO_ACT_ON = frozenset(
    {OrderState.CONFIRMED, OrderState.ACCEPTED, OrderState.PREPARING, OrderState.READY}
)


def _order_key(order: Order) -> float:
    stamp = order.created_at.timestamp()
    return stamp if order.state in _TO_ACT_ON else -stamp


async def count_orders(merchant_id: int, states: Sequence[OrderState]) -> int:
    return await Order.filter(listing__merchant_id=merchant_id, state__in=list(states)).count()


async def resident_orders(resident: Account, *, limit: int = 100) -> list[Order]:
    """Orders still under way first (oldest first), then the rest newest first."""
    rows = await Order.filter(resident_id=resident.id).order_by("-created_at", "-id").limit(limit)
    active = sorted((o for o in rows if o.state in ORDER_ACTIVE), key=lambda o: o.created_at)
    return active + [o for o in rows if o.state not in ORDER_ACTIVE]


async def order_history(order_id: int) -> list[tuple[OrderState, datetime]]:
    """Each state the order entered, with when, oldest first (the kernel's history rows)."""
    rows = await OrderEvent.filter(order_id=order_id).order_by("at", "id")
    return [(OrderState(row.to_state), row.at) for row in rows]
