"""Completing a purchase by its code, for every kind: when it may be done (the kind's window),
and the money due at the store settled in the same transaction as the completion.

A merchant completing a purchase with payment due at the store says what was received
(`Settlement`): the amount due is recorded as a store tender (split, ledger) by payments;
less than due is a merchant-funded discount line with the merchant's reason, and nothing at
all is "without payment" with a reason from a short list (免单 ...): no money moves and no
commission is charged. More than due is refused: change is given back, not booked.

How it was settled is kept on the completing history row (`note` / `read_note`), so the
queue and the purchase's page can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from marketplace.errors import Conflict, ValidationFailed
from marketplace.lifecycle import ActorRole, StateChanged, TransitionNotAllowed
from marketplace.notices.services import atomic
from marketplace.notices.texts import texts, translated
from marketplace.purchases import history
from marketplace.purchases.errors import CompletionTooEarly, CompletionTooLate
from marketplace.purchases.kinds import PurchaseKind
from payments.pay_at_store import left_to_pay, settle_at_store
from payments.pricing import Adjustment
from payments.types import FundedBy

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City

MAX_NOTE = 200
DISCOUNT_REF = "store_discount"


class WithoutPayment(StrEnum):
    """Why a merchant completes a purchase without taking the payment due."""

    ON_THE_HOUSE = "on_the_house"  # 免单
    MAKE_GOOD = "make_good"  # 补偿: made good for a problem
    OTHER = "other"  # says why in the note


@dataclass(frozen=True)
class Settlement:
    """What the merchant says about money when completing: `received` (minor units) with a
    `note` when it is less than due; or `without_payment` with its reason (a note for OTHER)."""

    received: int | None = None
    without_payment: WithoutPayment | None = None
    note: str | None = None


@dataclass(frozen=True)
class Settled:
    """How a completion was settled, as its history row keeps it."""

    how: str  # "paid" (all that was due), "discount", "without_payment", "nothing_due"
    received: int = 0
    reason: str | None = None  # a WithoutPayment value
    note: str | None = None


Window = tuple[datetime | None, datetime | None]


def window(kind: PurchaseKind, city: City, purchase: Any) -> Window:
    if kind.completion_window is None:
        return None, None
    return kind.completion_window(city, purchase)


def check_window(kind: PurchaseKind, city: City, purchase: Any, now: datetime) -> None:
    """CompletionTooEarly / CompletionTooLate, each saying when (in the city's time)."""
    opens, closes = window(kind, city, purchase)
    if opens is not None and now < opens:
        local = opens.astimezone(city.tz).strftime("%Y-%m-%d %H:%M")
        raise CompletionTooEarly(
            f"this {kind.name} can be completed from {local} ({city.timezone})", opens_at=opens
        )
    if closes is not None and now > closes:
        local = closes.astimezone(city.tz).strftime("%Y-%m-%d %H:%M")
        raise CompletionTooLate(
            f"the time to complete this {kind.name} by its code ended at {local} ({city.timezone})",
            closed_at=closes,
        )


def check_completable(kind: PurchaseKind, purchase: Any) -> None:
    """TransitionNotAllowed when the purchase's state cannot lead to its completion (cancelled,
    still held, done): said before any money is asked for."""
    state = str(purchase.state)
    if kind.redeem_from is not None:
        allowed = state in kind.redeem_from
    else:  # the kind did not say: any state the merchant can still move it from
        allowed = bool(kind.machine.targets(kind.states(state), ActorRole.MERCHANT))
    if not allowed:
        raise TransitionNotAllowed(f"this {kind.name} is {state}")


async def due_at_store(kind: PurchaseKind, purchase: Any) -> int:
    """What the merchant is to take at the store when completing: what is left to pay of a
    purchase the resident chose to pay at the store (0 when paid online or free)."""
    if str(getattr(purchase, "payment_mode", "") or "") != "pay_at_store":
        return 0
    return await left_to_pay(kind.name, int(purchase.id))


def _clean(note: str | None) -> str | None:
    text = " ".join((note or "").split())
    return text[:MAX_NOTE] or None


def settled(due: int, settlement: Settlement | None) -> Settled:
    """What the merchant said, checked against what is due; ValidationFailed naming the field."""
    s = settlement or Settlement()
    note = _clean(s.note)
    if due == 0:
        if s.received:
            raise ValidationFailed.on("received", "nothing is due at the store")
        return Settled("nothing_due")
    if s.without_payment is not None:
        if s.received:
            raise ValidationFailed.on("received", "leave it empty to complete without payment")
        if s.without_payment is WithoutPayment.OTHER and note is None:
            raise ValidationFailed.on("note", "is required: say why there is no payment")
        return Settled("without_payment", 0, s.without_payment.value, note)
    if s.received is None:
        raise ValidationFailed.on("received", "is required: enter the amount received")
    if s.received < 0:
        raise ValidationFailed.on("received", "must not be negative")
    if s.received > due:
        raise ValidationFailed.on(
            "received", "must not be more than the amount due; give the change back"
        )
    if s.received < due:
        if note is None:
            raise ValidationFailed.on("note", "is required: say why less than due was received")
        return Settled("discount", s.received, None, note)
    return Settled("paid", s.received)


def note(done: Settled) -> str | None:
    """The history row's reason for a completion: short, and read back by `read_note`."""
    if done.how == "nothing_due":
        return None
    parts = [done.how, str(done.received)]
    if done.reason:
        parts.append(done.reason)
    text = " ".join(parts)
    return f"{text} | {done.note}" if done.note else text


def read_note(reason: str | None) -> Settled | None:
    """A completion's history reason as `Settled`; None for one that settled nothing."""
    if not reason:
        return None
    head, _, free = reason.partition(" | ")
    parts = head.split()
    if len(parts) < 2 or parts[0] not in ("paid", "discount", "without_payment"):
        return None
    try:
        received = int(parts[1])
    except ValueError:
        return None
    return Settled(parts[0], received, parts[2] if len(parts) > 2 else None, free or None)


async def settled_of(
    kind: PurchaseKind, ids: list[int], completed: list[str]
) -> dict[int, Settled]:
    """How each of these purchases was settled when completed (into one of `completed`), for
    the queues; purchases that settled nothing at the store are left out."""
    notes = await history.reasons_on_entering(kind, ids, completed)
    return {pid: found for pid, text in notes.items() if (found := read_note(text)) is not None}


def _discount(done: Settled, due: int) -> Adjustment | None:
    if done.how not in ("discount", "without_payment"):
        return None
    if done.how == "without_payment":
        label = texts(
            "Without payment: {reason}", reason=lambda loc: _reason_label(done.reason, loc)
        )
        if done.note:
            label = {k: f"{v} ({done.note})" for k, v in label.items()}
    else:
        label = texts("Store discount: {reason}", reason=done.note or "")
    return Adjustment(label, done.received - due, FundedBy.MERCHANT, DISCOUNT_REF)


REASON_LABELS = {
    WithoutPayment.ON_THE_HOUSE.value: "On the house",
    WithoutPayment.MAKE_GOOD.value: "Made good for a problem",
    WithoutPayment.OTHER.value: "Other reason",
}


def _reason_label(reason: str | None, locale: str) -> str:
    return translated(REASON_LABELS.get(reason or "", "Other reason"), locale)


async def complete(
    kind: PurchaseKind,
    city: City,
    merchant: Account,
    purchase: Any,
    settlement: Settlement | None,
    now: datetime,
) -> Any:
    """Complete `purchase` (the kind's redeem: its state moves and history) and settle what is
    due at the store, in one transaction. The window is checked first; a second completion of
    the same purchase gets StateChanged (the row lock, and behind it the move's conditional
    UPDATE) and so records no second payment."""
    if kind.redeem is None:
        raise TypeError(f"purchases of kind {kind.name!r} are not completed by a code")
    check_completable(kind, purchase)
    check_window(kind, city, purchase, now)
    async with atomic():
        # the row locked (PostgreSQL) and read again: of two merchants confirming at once, the
        # second reads it completed here, so what is due is read once, by the one that settles
        fresh = await kind.model.select_for_update().get(id=purchase.id)
        if str(fresh.state) != str(purchase.state) or fresh.code_used_at is not None:
            raise StateChanged(f"this {kind.name} was changed meanwhile; reload and try again")
        due = await due_at_store(kind, fresh)
        done = settled(due, settlement)  # a refusal here has written nothing
        completed = await kind.redeem(city, merchant, purchase, now, note(done))
        if done.how != "nothing_due":
            try:
                await settle_at_store(
                    city, kind.name, int(purchase.id), done.received, discount=_discount(done, due)
                )
            except IntegrityError:  # recorded on its own at this moment: nothing is kept
                raise Conflict(
                    f"the payment of this {kind.name} was recorded meanwhile; check the code again"
                ) from None
    return completed
