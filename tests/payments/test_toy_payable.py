"""A third kind of purchase, defined only here, is paid, refunded and reported through the
payments core with nothing but its own adapter: payments knows no kind of purchase."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

import payments.factory
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.settings import Settings
from payments import purchase_kinds, reports
from payments.events import apply_event
from payments.ledger import balances, reconcile
from payments.models import Payment, SplitShare
from payments.payables import open_payable
from payments.pricing import Item, price
from payments.refunds_due import refund_what_is_due
from payments.starting import start_payment
from payments.types import EventOutcome, PaymentState
from tests.payments.conftest import URLS, enable_online
from tests.support.bookables import NOW, cleaning_service
from tests.support.factories import make_account


@dataclass
class Ticket:
    """A raffle ticket: held, pending, sold, or cancelled with its price owed back."""

    id: int
    resident_id: int
    merchant_id: int
    state: str = "held"
    hold_expires_at: datetime | None = None
    refund_due: int = 0
    kind: str = "raffle"
    waits_at_store: bool = False

    def description(self, locale: str) -> str:
        return f"{'抽奖券' if locale == 'zh-CN' else 'Raffle ticket'} #{self.id}"


class RaffleKind:
    name = "raffle"
    link = "/me/raffle"

    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}

    async def load(self, ref_id: int) -> Ticket | None:
        return self.tickets.get(ref_id)

    def payable(self, purchase: Ticket) -> bool:
        return purchase.state in ("held", "pending")

    async def mark_pending(self, city: City, purchase: Ticket, now: datetime) -> None:
        if purchase.state == "held":
            purchase.state = "pending"

    async def confirm_paid(self, city: City, purchase: Ticket, now: datetime) -> bool:
        if purchase.state not in ("held", "pending"):
            return False
        purchase.state = "sold"
        return True

    async def back_to_held(self, city: City, purchase: Ticket, now: datetime) -> bool:
        purchase.state = "held"
        return True

    async def confirm_at_store(
        self,
        city: City,
        resident: Account,
        purchase: Ticket,
        now: datetime,
    ) -> None:
        purchase.state = "sold"

    async def refunds_due(self, ref_ids: Iterable[int]) -> dict[int, int]:
        return {
            i: self.tickets[i].refund_due
            for i in ref_ids
            if self.tickets[i].state == "cancelled" and self.tickets[i].refund_due
        }


@pytest.fixture
def raffle() -> Iterator[RaffleKind]:
    kind = RaffleKind()
    purchase_kinds.register(kind)
    yield kind
    purchase_kinds.unregister(kind.name)


async def test_a_toy_purchase_is_paid_refunded_and_reported(
    db: str, city, provider, raffle: RaffleKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing, _offering = await cleaning_service()
    merchant_id = int(listing.merchant_id)  # type: ignore[attr-defined]
    await enable_online(merchant_id)
    resident = await make_account()
    ticket = Ticket(7, resident.id, merchant_id)
    raffle.tickets[7] = ticket
    priced = price([Item({"zh-CN": "抽奖券", "en": "Raffle ticket"}, 3, 2000, "raffle:7")])
    await open_payable(
        "raffle",
        7,
        resident_id=resident.id,
        merchant_id=merchant_id,
        vertical="housekeeping",  # 12 % commission
        currency="CNY",
        priced=priced,
    )

    started = await start_payment(city, provider, resident, "raffle", 7, URLS, now=NOW)
    assert ticket.state == "pending"
    shown = provider.payable(started)
    assert (shown.reference, shown.amount, shown.application_fee) == ("raffle:7", 6000, 720)
    assert shown.description == "抽奖券 #7"

    paid = await apply_event(city, provider, provider.paid(started), now=NOW)
    assert paid is EventOutcome.APPLIED and ticket.state == "sold"
    payment = await Payment.get(payable__kind="raffle", payable__ref_id=7)
    assert payment.state == PaymentState.SUCCEEDED
    assert [
        (s.share, s.amount)
        for s in await SplitShare.filter(payment_id=payment.id).order_by("position")
    ] == [("merchant_share", 5280), ("platform_commission", 720)]

    ticket.state, ticket.refund_due = "cancelled", 6000
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    assert await refund_what_is_due(city, Settings(), now=NOW) == 1
    assert await refund_what_is_due(city, Settings(), now=NOW) == 0  # once
    payment = await Payment.get(id=payment.id)
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, 6000)

    [row] = await reports.recent_refunds()
    assert (row.kind, row.payable_id, row.amount, row.state) == ("raffle", 7, 6000, "succeeded")
    assert (await reports.latest_payment("raffle", 7)).id == payment.id  # type: ignore[union-attr]
    total = await reports.total("CNY", merchant_id)
    assert (total.gross, total.refunds) == (6000, 6000)
    assert await balances(merchant_id)
    assert await reconcile() == []
