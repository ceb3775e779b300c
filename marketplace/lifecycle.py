"""State machines of things that move through states (bookings, orders): the one place that
says which transition is allowed, to whom, and that records it.

A transition is a conditional UPDATE (`WHERE id = ? AND state = <from>`): of two concurrent
attempts to move the same record, exactly one changes a row and the other sees 0 rows and gets a
conflict. Whatever a transition releases (capacity, stock) is released by the caller only when
the update changed a row, so it happens once however often the transition is attempted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tortoise.models import Model

from marketplace.errors import Conflict, PermissionDenied


class ActorRole(StrEnum):
    """Who asks for a transition: the person who booked, the merchant's staff, or the system
    (hold expiry, a payment provider's event)."""

    RESIDENT = "resident"
    MERCHANT = "merchant"
    SYSTEM = "system"


S = TypeVar("S", bound=StrEnum)


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class StateChanged(Conflict):
    """Someone else moved the record first; the caller reloads and decides again."""

    code = "state_changed"


@dataclass(frozen=True)
class Machine(Generic[S]):
    name: str  # "booking", "order": used in messages
    # (from, to) -> who may ask for it
    transitions: Mapping[tuple[S, S], frozenset[ActorRole]]

    def check(self, current: S, target: S, role: ActorRole) -> None:
        allowed = self.transitions.get((current, target))
        if allowed is None:
            raise TransitionNotAllowed(
                f"a {self.name} that is {current.value} cannot become {target.value}"
            )
        if role not in allowed:
            raise PermissionDenied(
                f"the {role.value} cannot make a {current.value} {self.name} {target.value}"
            )

    def targets(self, current: S, role: ActorRole) -> list[S]:
        """What `role` may move a record in `current` to, for buttons on a page."""
        return [to for (frm, to), who in self.transitions.items() if frm == current and role in who]


async def advance(
    machine: Machine[Any],
    model: type[Model],
    record: Any,
    target: StrEnum,
    role: ActorRole,
    *,
    at: datetime,
    extra: Mapping[str, object] | None = None,
) -> None:
    """Move `record` to `target` if allowed and if nobody moved it since it was read.

    Raises TransitionNotAllowed / PermissionDenied before touching anything, and StateChanged
    when a concurrent transition won. On success `record` carries the new state.
    """
    current = type(target)(record.state)
    machine.check(current, target, role)
    values: dict[str, object] = {"state": target, "updated_at": at, **(extra or {})}
    changed = await model.filter(id=record.id, state=current).update(**values)
    if changed != 1:
        raise StateChanged(f"this {machine.name} was changed meanwhile; reload and try again")
    for key, value in values.items():
        setattr(record, key, value)
