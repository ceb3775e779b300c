"""Creating a purchase once per idempotency key, with a code no other purchase has.

The key is unique per resident in the kind's table and the request's hash is stored beside it
(`marketplace.idempotency`). The kind's `take` inserts the row that carries the key and the code
first and only then takes capacity or stock, in one transaction; copies of one request meet at
the key and replay the first copy's purchase. A unique violation is either that (the key is
claimed: replay) or a code another purchase has (draw again).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from tortoise.exceptions import IntegrityError

from marketplace.idempotency import same_request
from marketplace.lifecycle import ActorRole
from marketplace.purchases import codes, history
from marketplace.purchases.kinds import PurchaseKind

if TYPE_CHECKING:
    from marketplace.accounts.models import Account

T = TypeVar("T")

CODE_ATTEMPTS = 5


async def existing(kind: PurchaseKind, resident: Account, key: str, digest: str) -> Any | None:
    """The resident's purchase made with `key`, or None; IdempotencyKeyReused when it was made
    from a different request."""
    purchase = await kind.model.get_or_none(resident_id=resident.id, idempotency_key=key)
    if purchase is not None:
        same_request(purchase.request_hash, digest, kind.name)
    return purchase


async def create_once(
    kind: PurchaseKind,
    resident: Account,
    key: str,
    digest: str,
    take: Callable[[str], Awaitable[T]],
) -> tuple[T, bool]:
    """(purchase, whether it is new): `take(code)` creates it with a freshly drawn code, or the
    purchase a copy of this request made first is returned."""
    for _ in range(CODE_ATTEMPTS):
        try:
            return await take(codes.draw()), True
        except IntegrityError:
            found = await existing(kind, resident, key, digest)
            if found is not None:
                return found, False
    raise RuntimeError(f"could not draw an unused {kind.name} code")


async def opened(
    kind: PurchaseKind, purchase: Any, state: StrEnum, actor: Account, at: datetime
) -> None:
    """What every new purchase writes in its creating transaction: its code's claim (unique
    across kinds) and the first history row."""
    await codes.claim(kind, purchase)
    await history.record(kind, purchase, None, state, actor, ActorRole.RESIDENT, at)
