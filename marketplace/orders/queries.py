"""What the merchant's queues show: a shop's orders by state, and the people and items of the
bookings and orders on a queue page. Reads only; callers check who may read first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from listings.models import Listing, Offering
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.types import ACTIVE as ORDER_ACTIVE
from marketplace.orders.types import OrderState

# What a shop's queue shows unless asked otherwise: orders it still has to act on, and the
# finished ones of the last days.
QUEUE_STATES = (
    OrderState.CONFIRMED,
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


_TO_ACT_ON = frozenset({OrderState.CONFIRMED, OrderState.PREPARING, OrderState.READY})


def _order_key(order: Order) -> float:
    stamp = order.created_at.timestamp()
    return stamp if order.state in _TO_ACT_ON else -stamp


async def count_orders(merchant_id: int, states: Sequence[OrderState]) -> int:
    return await Order.filter(listing__merchant_id=merchant_id, state__in=list(states)).count()


@dataclass(frozen=True)
class QueueDetails:
    """Names a queue row shows, fetched for a whole page at once."""

    residents: dict[int, str] = field(default_factory=dict)  # account id -> display name
    listings: dict[int, dict[str, str]] = field(default_factory=dict)  # id -> name per locale
    offerings: dict[int, dict[str, str]] = field(default_factory=dict)
    lines: dict[int, list[OrderLine]] = field(default_factory=dict)  # order id -> its lines


async def queue_details(bookings: Sequence[Booking], orders: Sequence[Order] = ()) -> QueueDetails:
    resident_ids = {b.resident_id for b in bookings} | {o.resident_id for o in orders}  # type: ignore[attr-defined]
    listing_ids = {b.listing_id for b in bookings} | {o.listing_id for o in orders}  # type: ignore[attr-defined]
    offering_ids = {b.offering_id for b in bookings if b.offering_id is not None}  # type: ignore[attr-defined]
    details = QueueDetails()
    if resident_ids:
        for account in await Account.filter(id__in=list(resident_ids)).only("id", "display_name"):
            details.residents[account.id] = account.display_name
    if listing_ids:
        for listing in await Listing.filter(id__in=list(listing_ids)).only("id", "name"):
            details.listings[listing.id] = listing.name
    if offering_ids:
        for offering in await Offering.filter(id__in=list(offering_ids)).only("id", "name"):
            details.offerings[offering.id] = offering.name
    if orders:
        lines = await OrderLine.filter(order_id__in=[o.id for o in orders]).order_by("id")
        for line in lines:
            details.lines.setdefault(line.order_id, []).append(line)  # type: ignore[attr-defined]
    return details


async def resident_orders(resident: Account, *, limit: int = 100) -> list[Order]:
    """Orders still under way first (oldest first), then the rest newest first."""
    rows = await Order.filter(resident_id=resident.id).order_by("-created_at", "-id").limit(limit)
    active = sorted((o for o in rows if o.state in ORDER_ACTIVE), key=lambda o: o.created_at)
    return active + [o for o in rows if o.state not in ORDER_ACTIVE]
