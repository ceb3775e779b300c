"""Moving a purchase from one state to another, for every kind, in one place.

One transaction: the state machine's check and the conditional UPDATE (`marketplace.lifecycle`:
of two concurrent moves exactly one wins, the other gets StateChanged), what the new state
releases (only when the UPDATE changed the row, so once), the history row and the notices. A
rolled-back move leaves no trace and tells nobody.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from marketplace.lifecycle import ActorRole, advance
from marketplace.notices.services import atomic
from marketplace.purchases import history
from marketplace.purchases.kinds import Notice, PurchaseKind

if TYPE_CHECKING:
    from marketplace.accounts.models import Account

P = TypeVar("P")


async def move(
    kind: PurchaseKind,
    purchase: P,
    target: StrEnum,
    role: ActorRole,
    actor: Account | None,
    now: datetime,
    *,
    reason: str | None = None,
    extra: dict[str, object] | None = None,
    notice: Notice | None = None,
) -> P:
    """Move `purchase` to `target` with what goes with it; `purchase` carries the new state.

    TransitionNotAllowed / PermissionDenied when the machine refuses, StateChanged when a
    concurrent move won; `notice` is passed to the kind's `notify` hook (a refund to mention)."""
    record: Any = purchase
    from_state = record.state
    async with atomic():
        await advance(kind.machine, kind.model, record, target, role, at=now, extra=extra)
        if target in kind.releasing:
            await kind.release(record)
        await history.record(kind, record, from_state, target, actor, role, now, reason=reason)
        if kind.notify is not None:
            await kind.notify(record, notice or {})
    return purchase
