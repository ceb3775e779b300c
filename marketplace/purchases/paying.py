"""Any kind of purchase as payments sees it: one adapter, built from what the kind declares to
the kernel, for `payments.purchase_kinds`.

It satisfies payments' `PurchaseKind` Protocol by its shape, so the kernel does not import
payments; each kind registers its adapter there (`marketplace/<kind>/payable_kind.py`). The
moves go through the kernel's engine, so the kind's state machine, the history of who did what
and its notices stay the kind's. Every kind waits for payment in "held" / "pending_payment" and
is paid into "confirmed".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from listings.models import Listing
from marketplace.lifecycle import ActorRole
from marketplace.purchases import engine
from marketplace.purchases.payment_mode import PaymentMode

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City
    from marketplace.purchases.kinds import PurchaseKind

HELD, PENDING, CONFIRMED = "held", "pending_payment", "confirmed"

# (city, resident, purchase id, payment mode, now=) -> the purchase: the kind's own confirm
ConfirmAtStore = Callable[..., Awaitable[Any]]


@dataclass
class PaidPurchase:
    """One purchase, loaded fresh, with the listing it was bought from."""

    kind: str
    record: Any
    listing: Listing
    at_store: frozenset[str]

    @property
    def id(self) -> int:
        return int(self.record.id)

    @property
    def state(self) -> str:
        return str(self.record.state)

    @property
    def resident_id(self) -> int:
        return int(self.record.resident_id)

    @property
    def merchant_id(self) -> int:
        return int(self.listing.merchant_id)  # type: ignore[attr-defined]

    @property
    def hold_expires_at(self) -> datetime | None:
        expires: datetime | None = self.record.hold_expires_at
        return expires

    @property
    def waits_at_store(self) -> bool:
        return self.record.payment_mode == PaymentMode.PAY_AT_STORE and self.state in self.at_store

    def description(self, locale: str) -> str:
        names = self.listing.name or {}
        name = names.get(locale) or next(iter(names.values()), "")
        return f"{name} #{self.id}".strip()


class PayingKind:
    """`kind` as payments moves it when money moves."""

    def __init__(
        self,
        kind: PurchaseKind,
        *,
        link: str,
        at_store: Iterable[str],
        confirm_at_store: ConfirmAtStore,
    ) -> None:
        self.kind = kind
        self.name = kind.name
        self.link = link  # where residents find their purchases of this kind
        # states in which what was bought stands (or was used) and can be paid for at the store
        self.at_store = frozenset(at_store)
        self._confirm_at_store = confirm_at_store

    async def load(self, ref_id: int) -> PaidPurchase | None:
        record = await self.kind.model.get_or_none(id=ref_id)
        if record is None:
            return None
        listing = await Listing.get(id=record.listing_id)
        return PaidPurchase(self.name, record, listing, self.at_store)

    def payable(self, purchase: PaidPurchase) -> bool:
        return purchase.state in (HELD, PENDING)

    async def _move(
        self,
        city: City,
        purchase: PaidPurchase,
        to: str,
        role: ActorRole,
        now: datetime,
        **extra: object,
    ) -> None:
        await engine.move(
            self.kind,
            purchase.record,
            self.kind.states(to),
            role,
            None,
            now,
            extra=dict(extra) or None,
            notice=self.kind.notice_context(city),
        )

    async def mark_pending(self, city: City, purchase: PaidPurchase, now: datetime) -> None:
        if purchase.state == HELD:
            online = PaymentMode.ONLINE.value
            await self._move(city, purchase, PENDING, ActorRole.RESIDENT, now, payment_mode=online)

    async def confirm_paid(self, city: City, purchase: PaidPurchase, now: datetime) -> bool:
        if purchase.state == HELD:  # a failed attempt sent it back; a later one succeeded
            await self.mark_pending(city, purchase, now)
        if purchase.state != PENDING:
            return False
        await self._move(city, purchase, CONFIRMED, ActorRole.SYSTEM, now, hold_expires_at=None)
        return True

    async def back_to_held(self, city: City, purchase: PaidPurchase, now: datetime) -> bool:
        expires = purchase.hold_expires_at
        if purchase.state != PENDING or (expires is not None and expires <= now):
            return False
        await self._move(city, purchase, HELD, ActorRole.SYSTEM, now)
        return True

    async def confirm_at_store(
        self, city: City, resident: Account, purchase: PaidPurchase, now: datetime
    ) -> None:
        await self._confirm_at_store(
            city, resident, purchase.id, PaymentMode.PAY_AT_STORE.value, now=now
        )

    async def refunds_due(self, ref_ids: Iterable[int]) -> dict[int, int]:
        cancelled = [state.value for state in self.kind.cancelled_by.values()]
        rows = await self.kind.model.filter(
            id__in=list(ref_ids), state__in=cancelled, refund_due__gt=0
        ).values_list("id", "refund_due")
        return {int(i): int(due) for i, due in rows}
