"""Bookings and orders as the payments core sees them: who pays whom how much, and the few
moves a payment makes (pending, confirmed by the provider's word, back to held on failure).

The moves go through the bookings' and orders' own `move`, so the state machines, the records
of who did what and the notices stay theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from listings.models import Listing
from listings.types import Vertical
from marketplace.bookings import services as bookings
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState, PaymentMode
from marketplace.lifecycle import ActorRole
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from payments.errors import PayableNotFound
from payments.interfaces import PayableKind

if TYPE_CHECKING:
    from marketplace.city import City

PENDING = "pending_payment"  # the same value in both machines
HELD = "held"


@dataclass
class Target:
    kind: PayableKind
    record: Booking | Order
    listing: Listing

    @property
    def id(self) -> int:
        return int(self.record.id)

    @property
    def key(self) -> str:
        """Our id as idempotency keys start: "booking-42"."""
        return f"{self.kind.value}-{self.id}"

    @property
    def state(self) -> str:
        return str(self.record.state)

    @property
    def resident_id(self) -> int:
        return int(self.record.resident_id)  # type: ignore[union-attr]

    @property
    def merchant_id(self) -> int:
        return int(self.listing.merchant_id)  # type: ignore[attr-defined]

    @property
    def vertical(self) -> Vertical:
        return Vertical(self.listing.vertical)

    def hold_expired(self, now: datetime) -> bool:
        expires = self.record.hold_expires_at
        return expires is not None and expires <= now

    def description(self, locale: str = "zh-CN") -> str:
        names = self.listing.name or {}
        name = names.get(locale) or next(iter(names.values()), "")
        return f"{name} #{self.id}".strip()


async def load(kind: PayableKind | str, payable_id: int) -> Target:
    kind = PayableKind(kind)
    model: type[Booking] | type[Order] = Booking if kind is PayableKind.BOOKING else Order
    record = await model.get_or_none(id=payable_id)
    if record is None:
        raise PayableNotFound(f"No such {kind.value}.")
    listing = await Listing.get(id=record.listing_id)  # type: ignore[union-attr]
    return Target(kind, record, listing)


async def reload(target: Target) -> Target:
    return await load(target.kind, target.id)


async def move(
    city: City, target: Target, to: str, role: ActorRole, now: datetime, **extra: object
) -> None:
    """One transition of the booking or order (StateChanged when someone moved it first)."""
    if isinstance(target.record, Booking):
        await bookings.move(
            city, target.record, BookingState(to), role, None, now, extra=dict(extra) or None
        )
    else:
        await orders.move(target.record, OrderState(to), role, None, now, extra=dict(extra) or None)


async def mark_pending(city: City, target: Target, now: datetime) -> None:
    """HELD -> PENDING_PAYMENT, on the resident's behalf, as confirming online does."""
    await move(
        city, target, PENDING, ActorRole.RESIDENT, now, payment_mode=PaymentMode.ONLINE.value
    )


async def confirm_paid(city: City, target: Target, now: datetime) -> bool:
    """The provider says paid: confirm it. False when it has moved on (expired, cancelled) and
    its place or stock may be gone."""
    if target.state == HELD:  # a failed attempt sent it back; a later one succeeded
        await mark_pending(city, target, now)
    if target.state != PENDING:
        return False
    await move(city, target, "confirmed", ActorRole.SYSTEM, now, hold_expires_at=None)
    return True


async def back_to_held(city: City, target: Target, now: datetime) -> bool:
    """The payment failed: the resident may try again while the hold lasts."""
    if target.state != PENDING or target.hold_expired(now):
        return False
    await move(city, target, HELD, ActorRole.SYSTEM, now)
    return True
