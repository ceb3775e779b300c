"""What a kind of purchase declares to the kernel: its tables, states, allowed moves and hooks.

The kernel never names a kind; a kind registers itself here when its module is imported, and
whatever finds purchases by code (`marketplace.redeem`) looks the kind up by name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise.models import Model

from marketplace.errors import MarketplaceError
from marketplace.lifecycle import ActorRole, Machine

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City
    from marketplace.purchases.models import PurchaseEvent

Notice = Mapping[str, object]


@dataclass(frozen=True)
class Refund:
    """What cancelling refunds (minor units) and what the notice says about it."""

    due: int
    notice: Notice = field(default_factory=dict)


async def _nothing(record: Any) -> None:
    return None


@dataclass(frozen=True)
class PurchaseKind:
    name: str  # "booking": messages, notices, and `purchase_codes.kind`
    model: type[Model]
    event_model: type[PurchaseEvent]
    event_field: str  # the event's link to the purchase: "booking", "order"
    machine: Machine[Any]
    states: type[StrEnum]  # every state the kind has; `machine` says which moves are allowed
    not_found: type[MarketplaceError]
    # states a hold waits in until the resident pays, and where an unpaid hold ends
    expiring: frozenset[Any]
    expired: StrEnum
    # what confirming a hold that ran out says (its place or stock is released)
    hold_expired: Callable[[], MarketplaceError]
    # who cancels -> the state a cancellation by them leads to
    cancelled_by: Mapping[ActorRole, StrEnum]
    # entering one of these gives back what the purchase took (`release`)
    releasing: frozenset[Any]
    release: Callable[[Any], Awaitable[None]] = _nothing
    # tells the parties about the purchase's new state, inside the move's transaction
    notify: Callable[[Any, Notice], Awaitable[None]] | None = None
    # what a cancellation by `role` at `now` refunds (read from the purchase's payable)
    refund: Callable[[City, Any, ActorRole, datetime], Awaitable[Refund]] | None = None
    # what every notice of this kind needs from the city (a time zone to show times in)
    notice_context: Callable[[City], Notice] = lambda city: {}
    # the merchant's code matched: complete or hand over (TransitionNotAllowed when it cannot);
    # the last argument is the note the completing history row keeps (how it was settled)
    redeem: Callable[[City, Account, Any, datetime, str | None], Awaitable[Any]] | None = None
    # the states a code completes it from (None: the machine alone says, when completing)
    redeem_from: frozenset[str] | None = None
    # when the code may complete it: (from, until), None for no bound on that side
    completion_window: Callable[[City, Any], tuple[datetime | None, datetime | None]] | None = None
    # why a code cannot be redeemed in the purchase's current state
    not_redeemable: Callable[[Any], str] = lambda record: f"this purchase is {record.state}"
    # a hold that costs nothing is confirmed whatever payment was chosen (a free booking)
    free_confirms: bool = False

    def not_found_error(self) -> MarketplaceError:
        return self.not_found(f"No such {self.name}.")


_KINDS: dict[str, PurchaseKind] = {}


def register(kind: PurchaseKind) -> PurchaseKind:
    """Make `kind` findable by name (by a code's row); registering the same name twice with a
    different declaration is a mistake, not an override."""
    known = _KINDS.setdefault(kind.name, kind)
    if known is not kind:
        raise ValueError(f"a purchase kind named {kind.name!r} is registered already")
    return kind


def kind_named(name: str) -> PurchaseKind:
    return _KINDS[name]


def registered() -> tuple[PurchaseKind, ...]:
    return tuple(_KINDS.values())
