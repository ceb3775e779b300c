"""The one writer of purchases' history rows (each kind keeps its own table)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from marketplace.lifecycle import ActorRole

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.purchases.kinds import PurchaseKind


async def record(
    kind: PurchaseKind,
    purchase: Any,
    from_state: StrEnum | str | None,
    to_state: StrEnum | str,
    actor: Account | None,
    role: ActorRole,
    at: datetime,
    *,
    reason: str | None = None,
) -> None:
    """One row: `purchase` went from `from_state` (None: it was created) to `to_state`."""
    await kind.event_model.create(
        **{kind.event_field: purchase},
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_role=role,
        reason=reason,
        at=at,
    )


async def reasons_on_entering(
    kind: PurchaseKind, ids: list[int], to_states: list[str]
) -> dict[int, str]:
    """By purchase id, the reason kept by the row that moved it into one of `to_states` (its
    completion: how it was settled at the store, `marketplace.completion.read_note`)."""
    if not ids:
        return {}
    rows = await kind.event_model.filter(
        **{f"{kind.event_field}_id__in": ids}, to_state__in=to_states, reason__isnull=False
    ).values_list(f"{kind.event_field}_id", "reason")
    return {int(pid): str(reason) for pid, reason in rows}
