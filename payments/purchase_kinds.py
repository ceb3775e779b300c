"""What payments needs from each kind of purchase, and the registry of those kinds.

Payments never imports a purchase domain. Each domain that sells something registers a
`PurchaseKind` adapter under its name ("booking", "order", ...); payments loads a purchase
through it by the payable's (kind, ref_id) and asks it to move when money moves.

Registration happens when the domain package is imported (its `__init__` imports its
adapter module). Every process that runs payments imports the domains through the
database's model modules (`marketplace.db.MODEL_MODULES`), so the app, the worker, the CLI and
the tests all see the same registry without payments naming any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from payments.errors import PayableNotFound

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City


class Purchase(Protocol):
    """One purchase as payments sees it, loaded fresh by its kind."""

    kind: str
    id: int
    state: str
    resident_id: int
    merchant_id: int
    hold_expires_at: datetime | None
    # confirmed with payment due at the store and still standing: the merchant may record it
    waits_at_store: bool

    def description(self, locale: str) -> str:
        """What the resident sees on the provider's payment page and in notices."""
        ...


class PurchaseKind(Protocol):
    name: str  # the payable's `kind`
    link: str  # where residents find their purchases of this kind

    async def load(self, ref_id: int) -> Purchase | None: ...

    def payable(self, purchase: Purchase) -> bool:
        """Whether it may be paid online now (held or pending payment)."""
        ...

    async def mark_pending(self, city: City, purchase: Purchase, now: datetime) -> None:
        """Held -> pending payment, on the resident's behalf, when a payment starts."""
        ...

    async def confirm_paid(self, city: City, purchase: Purchase, now: datetime) -> bool:
        """The provider says paid: confirm it. False when it moved on (expired, cancelled)
        and what it held may be gone: the payment is then refunded."""
        ...

    async def back_to_held(self, city: City, purchase: Purchase, now: datetime) -> bool:
        """The payment failed: back to held while the hold lasts."""
        ...

    async def confirm_at_store(
        self, city: City, resident: Account, purchase: Purchase, now: datetime
    ) -> None:
        """The resident chose to pay at the store: confirmed, payment due at the merchant."""
        ...

    async def refunds_due(self, ref_ids: Iterable[int]) -> dict[int, int]:
        """Of these paid purchases, the cancelled ones and the refund each is owed."""
        ...


_KINDS: dict[str, PurchaseKind] = {}


def register(kind: PurchaseKind) -> None:
    """Make a kind of purchase payable; registering the same name again replaces it."""
    _KINDS[kind.name] = kind


def unregister(name: str) -> None:
    _KINDS.pop(name, None)


def kind_of(name: str) -> PurchaseKind:
    found = _KINDS.get(name)
    if found is None:
        raise PayableNotFound(f"Nothing of kind {name!r} can be paid for.")
    return found


def registered() -> list[PurchaseKind]:
    return list(_KINDS.values())


async def load(name: str, ref_id: int) -> tuple[PurchaseKind, Purchase]:
    kind = kind_of(name)
    purchase = await kind.load(ref_id)
    if purchase is None:
        raise PayableNotFound(f"No such {name}.")
    return kind, purchase
