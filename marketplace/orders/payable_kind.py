"""Shop orders as a kind of purchase payments can take money for (`payments.purchase_kinds`).

Registered when `marketplace.orders` is imported. The moves go through the orders' own
`move`, so the state machine, the record of who did what and the notices stay theirs.
The orders package's own modules are imported inside the methods: this module is imported by the
package's `__init__`, before those modules exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from payments.purchase_kinds import register

if TYPE_CHECKING:
    from listings.models import Listing
    from marketplace.accounts.models import Account
    from marketplace.city import City
    from marketplace.orders.models import Order

HELD, PENDING, CONFIRMED = "held", "pending_payment", "confirmed"
CANCELLED = ("cancelled_by_resident", "cancelled_by_merchant")
# what was booked stands (or was used): it can be paid for at the store
PAYABLE_AT_STORE = frozenset({"confirmed", "preparing", "ready", "picked_up", "delivered"})


@dataclass
class OrderPurchase:
    record: Order
    listing: Listing
    kind: str = "order"

    @property
    def id(self) -> int:
        return int(self.record.id)

    @property
    def state(self) -> str:
        return str(self.record.state)

    @property
    def resident_id(self) -> int:
        return int(self.record.resident_id)  # type: ignore[attr-defined]

    @property
    def merchant_id(self) -> int:
        return int(self.listing.merchant_id)  # type: ignore[attr-defined]

    @property
    def hold_expires_at(self) -> datetime | None:
        return self.record.hold_expires_at

    @property
    def waits_at_store(self) -> bool:
        return self.record.payment_mode == "pay_at_store" and self.state in PAYABLE_AT_STORE

    def description(self, locale: str) -> str:
        names = self.listing.name or {}
        name = names.get(locale) or next(iter(names.values()), "")
        return f"{name} #{self.id}".strip()


class OrderKind:
    name = "order"
    link = "/me/orders"

    async def load(self, ref_id: int) -> OrderPurchase | None:
        from listings.models import Listing
        from marketplace.orders.models import Order

        record = await Order.get_or_none(id=ref_id)
        if record is None:
            return None
        return OrderPurchase(record, await Listing.get(id=record.listing_id))  # type: ignore[attr-defined]

    def payable(self, purchase: OrderPurchase) -> bool:
        return purchase.state in (HELD, PENDING)

    async def _move(
        self,
        city: City,
        purchase: OrderPurchase,
        to: str,
        system: bool,
        now: datetime,
        **extra: object,
    ) -> None:
        from marketplace.lifecycle import ActorRole
        from marketplace.orders.services import move
        from marketplace.orders.types import OrderState

        role = ActorRole.SYSTEM if system else ActorRole.RESIDENT
        await move(purchase.record, OrderState(to), role, None, now, extra=extra or None)

    async def mark_pending(self, city: City, purchase: OrderPurchase, now: datetime) -> None:
        if purchase.state == HELD:
            await self._move(city, purchase, PENDING, False, now, payment_mode="online")

    async def confirm_paid(self, city: City, purchase: OrderPurchase, now: datetime) -> bool:
        if purchase.state == HELD:  # a failed attempt sent it back; a later one succeeded
            await self.mark_pending(city, purchase, now)
        if purchase.state != PENDING:
            return False
        await self._move(city, purchase, CONFIRMED, True, now, hold_expires_at=None)
        return True

    async def back_to_held(self, city: City, purchase: OrderPurchase, now: datetime) -> bool:
        expires = purchase.hold_expires_at
        if purchase.state != PENDING or (expires is not None and expires <= now):
            return False
        await self._move(city, purchase, HELD, True, now)
        return True

    async def confirm_at_store(
        self,
        city: City,
        resident: Account,
        purchase: OrderPurchase,
        now: datetime,
    ) -> None:
        from marketplace.orders.services import confirm_order

        await confirm_order(city, resident, purchase.id, "pay_at_store", now=now)

    async def refunds_due(self, ref_ids: Iterable[int]) -> dict[int, int]:
        from marketplace.orders.models import Order

        rows = await Order.filter(
            id__in=list(ref_ids), state__in=list(CANCELLED), refund_due__gt=0
        ).values_list("id", "refund_due")
        return {int(i): int(due) for i, due in rows}


register(OrderKind())
