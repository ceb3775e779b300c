"""Reads of orders the JSON API lists: a resident's orders and a shop's queue.

The orders package has verbs but no read module yet; these two reads are the only queries the
web layer makes and belong beside `marketplace.bookings.queries` once an orders one exists.
"""

from __future__ import annotations

from marketplace.accounts.models import Account
from marketplace.orders.models import Order
from marketplace.orders.types import ACTIVE, OrderState

LIMIT = 200


async def resident_orders(resident: Account, *, limit: int = 100) -> list[Order]:
    """Active first (oldest first, as they will be fulfilled), then the rest newest first."""
    rows = await Order.filter(resident_id=resident.id).order_by("-created_at", "-id").limit(limit)
    active = sorted((o for o in rows if o.state in ACTIVE), key=lambda o: o.id)
    return active + [o for o in rows if o.state not in ACTIVE]


async def merchant_orders(
    merchant_id: int, *, states: tuple[OrderState, ...] = (), limit: int = LIMIT
) -> list[Order]:
    """A shop's orders, oldest first; without states, those still to be fulfilled."""
    query = Order.filter(listing__merchant_id=merchant_id)
    if states:
        query = query.filter(state__in=list(states))
    else:
        query = query.filter(
            state__in=[OrderState.CONFIRMED, OrderState.PREPARING, OrderState.READY]
        )
    return await query.order_by("created_at", "id").limit(limit)
