"""The ledger: unbalanced transactions are refused, a transaction posts once, and after a mix
of online payments, partial and full refunds and store payments across merchants the books
reconcile: all entries sum to zero and each merchant's payable is paid - fees - refunds (fees net
of the commission's share of refunds, which goes back with them)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError

from payments import ledger, reports
from payments.commission import fee_refunded
from payments.errors import LedgerIsAppendOnly, UnbalancedTransaction
from payments.events import apply_event
from payments.ledger import Line, Party, Source, balances, reconcile
from payments.models import LedgerEntry, Payment, Refund, SplitShare
from payments.pay_at_store import PayAtStoreProvider, record_store_payment
from payments.payables import payable_of
from payments.refunds import request_refund
from payments.split import ThirdParty, split
from payments.split_store import store_split
from payments.starting import start_payment
from payments.types import (
    PAID,
    FundedBy,
    LedgerAccount,
    LineKind,
    PartyKind,
    PaymentState,
    RefundState,
)
from tests.payments.conftest import URLS, held_booking, held_order
from tests.support.bookables import NOW
from tests.support.factories import make_account

A = LedgerAccount


async def _paid(city, provider, ready, kind: str = "booking") -> Payment:
    started = await start_payment(city, provider, ready.resident, kind, ready.id, URLS, now=NOW)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    return await Payment.get(provider_ref=started.provider_ref)


async def test_an_unbalanced_transaction_is_refused(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    count = await LedgerEntry.all().count()
    for lines in ([Line(A.REFUNDS, 5), Line(A.MERCHANT_PAYABLE, -4)], []):
        with pytest.raises(UnbalancedTransaction):
            await ledger.post("manual:1", lines, currency="CNY", payment=payment)
    assert await LedgerEntry.all().count() == count


async def test_a_transaction_posts_once(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    with pytest.raises(IntegrityError):
        await ledger.record_payment(payment)
    assert await LedgerEntry.all().count() == 3
    assert await reconcile() == []


async def test_a_mix_of_payments_refunds_and_store_payments_reconciles(
    db: str, city, provider
) -> None:
    cleaning = await held_booking(city, price=12000)  # 12 %: fee 1440
    shop = await held_order(city, price=1999, quantity=3)  # 59.97 at 5 %: fee 300 (299.85)
    store = await held_booking(city, price=8850, key="booking-key-2")  # paid in the store: fee 1062
    other = await held_order(city, price=1001, quantity=1)  # 5 % of 10.01: 50 (50.05)

    p1 = await _paid(city, provider, cleaning)
    p2 = await _paid(city, provider, shop, "order")
    p4 = await _paid(city, provider, other, "order")
    assert (p1.application_fee, p2.application_fee, p4.application_fee) == (1440, 300, 50)
    await request_refund(city, provider, p1, 3333, "operator", now=NOW)
    await request_refund(city, provider, p1, 1, "operator", now=NOW)
    await request_refund(city, provider, p2, 5997, "operator", now=NOW)
    provider.refunds_answer_later = True
    await request_refund(city, provider, p4, 500, "operator", now=NOW)  # still pending: not booked

    await start_payment(
        city, PayAtStoreProvider(), store.resident, "booking", store.id, URLS, now=NOW
    )
    owner = await (await store.listing.merchant).owner
    p3 = await record_store_payment(city, owner, "booking", store.id, now=NOW)

    assert await reconcile() == []
    entries = await LedgerEntry.all().values_list("amount", flat=True)
    assert sum(entries) == 0
    refunds = {
        p: sum(
            await Refund.filter(payment_id=p, state=RefundState.SUCCEEDED).values_list(
                "amount", flat=True
            )
        )
        for p in (p1.id, p2.id, p4.id)
    }
    assert refunds == {p1.id: 3334, p2.id: 5997, p4.id: 0}
    for ready, online in ((cleaning, [p1]), (shop, [p2]), (other, [p4]), (store, [])):
        payments = await Payment.filter(merchant_id=ready.merchant_id, state__in=list(PAID))
        paid = sum(p.amount for p in online)
        fees = sum(
            p.application_fee - fee_refunded(p.application_fee, p.amount, refunds.get(p.id, 0))
            for p in payments
        )
        refunded = sum(refunds.get(p.id, 0) for p in online)
        book = await balances(ready.merchant_id)
        assert book.get(("merchant_payable", "CNY"), 0) == paid - fees - refunded
    assert (await balances(store.merchant_id))[("cash_at_store", "CNY")] == p3.amount == 8850
    city_book = await balances()
    assert (
        city_book[("platform_commission", "CNY")] == (1440 - 400) + (300 - 300) + 50 + 1062
    )  # 400: 1440 x 3334/12000
    assert city_book[("resident_payments", "CNY")] == -(12000 + 5997 + 1001 + 8850)
    assert city_book[("refunds", "CNY")] == 3334 + 5997


@pytest.mark.ledger_left_unbalanced
async def test_reconcile_names_what_disagrees(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    await Payment.filter(id=payment.id).update(application_fee=1000)  # the books say 1440
    found = await reconcile()
    assert {(d.scope, d.what) for d in found} >= {
        (f"merchant {ready.merchant_id}", "platform_commission"),
        (f"merchant {ready.merchant_id}", "merchant_payable"),
        ("city", "platform_commission"),
    }
    await LedgerEntry.filter(account=A.REFUNDS).delete()
    await LedgerEntry.create(
        transaction="broken:1",
        line=0,
        account=A.REFUNDS,
        source_kind="payment",
        source_id=payment.id,
        party_kind="resident",
        party_id=payment.resident_id,
        payment=payment,
        amount=7,
        currency="CNY",
    )
    scopes = {d.scope for d in await reconcile()}
    assert {"ledger", "transaction broken:1"} <= scopes


# --- the general ledger: splits with a subsidy and a promoter, parties, sources, append-only ---


async def _tender(ready, lines, *, percent: int = 12, third_parties=()) -> Payment:
    """A paid online tender of `ready` whose split is `lines` at `percent`, posted."""
    shares = split(
        lines, merchant_id=ready.merchant_id, percent=percent, third_parties=third_parties
    )
    payment = await Payment.create(
        payable=await payable_of("booking", ready.id),
        resident_id=ready.resident.id,
        merchant_id=ready.merchant_id,
        provider="fake",
        attempt=1,
        amount=shares.amount_due,
        currency="CNY",
        application_fee=shares.application_fee,
        state=PaymentState.SUCCEEDED,
        idempotency_key=f"tender-{ready.id}",
    )
    await store_split(payment, shares)
    await ledger.record_payment(payment)
    return payment


async def _refund(payment: Payment, amount: int, n: int) -> Refund:
    before = payment.refunded_amount
    refund = await Refund.create(
        payment=payment,
        amount=amount,
        reason="operator",
        state=RefundState.SUCCEEDED,
        idempotency_key=f"refund-{payment.id}-{n}",
    )
    await ledger.record_refund(payment, refund, before)
    payment.refunded_amount = before + amount
    await Payment.filter(id=payment.id).update(refunded_amount=payment.refunded_amount)
    return refund


@dataclass(frozen=True)
class PricedLine:
    """A line as the split reads it (`payments.split.LineLike`)."""

    kind: LineKind
    amount: int
    funded_by: FundedBy = FundedBy.NONE


def _item(amount: int) -> PricedLine:
    return PricedLine(LineKind.ITEM, amount)


def _coupon(amount: int, funded_by: FundedBy) -> PricedLine:
    return PricedLine(LineKind.ADJUSTMENT, -amount, funded_by)


async def _by_party(payment: Payment) -> dict[tuple[str, str, int | None], int]:
    out: dict[tuple[str, str, int | None], int] = {}
    rows = await LedgerEntry.filter(payment_id=payment.id).values_list(
        "account", "party_kind", "party_id", "amount"
    )
    for account, kind, party_id, amount in rows:
        key = (str(account), str(kind), party_id)
        out[key] = out.get(key, 0) + amount
    return {k: v for k, v in out.items() if v}


async def test_a_platform_coupon_beyond_the_commission_posts_a_subsidy(db: str, city) -> None:
    ready = await held_booking(city)
    # 10000 at 12 %: commission 1200; a platform coupon of 2000 costs the platform 800 more
    payment = await _tender(ready, [_item(10000), _coupon(2000, FundedBy.PLATFORM)])
    assert payment.amount == 8000
    m, r = ready.merchant_id, ready.resident.id
    assert await _by_party(payment) == {
        ("resident_payments", "resident", r): -8000,
        ("merchant_payable", "merchant", m): 8800,
        ("platform_subsidy", "platform", None): -800,
    }
    assert await reconcile() == []
    assert (await balances())[("platform_subsidy", "CNY")] == -800
    shown = await reports.total("CNY")  # the ops page's figures
    assert (shown.gross, shown.commission, shown.subsidy, shown.payable) == (8000, 0, 800, 8800)
    # a full refund in two parts takes every share back exactly, the subsidy too
    await _refund(payment, 4001, 1)
    assert await reconcile() == []
    await _refund(payment, 3999, 2)
    assert await reconcile() == []
    assert await _by_party(payment) == {
        ("refunds", "resident", r): 8000,
        ("resident_payments", "resident", r): -8000,
    }


async def test_a_promoter_is_paid_out_of_the_commission_and_gives_back_its_part(
    db: str, city
) -> None:
    ready = await held_booking(city)
    promoter = await make_account()
    owed = ThirdParty(PartyKind.PROMOTER, promoter.id, 300, "3 % of 10000")
    payment = await _tender(ready, [_item(10000)], third_parties=[owed])
    m, r, p = ready.merchant_id, ready.resident.id, promoter.id
    assert await _by_party(payment) == {
        ("resident_payments", "resident", r): -10000,
        ("merchant_payable", "merchant", m): 8800,
        ("promoter_payable", "promoter", p): 300,
        ("platform_commission", "platform", None): 900,
    }
    assert await balances(party=Party(PartyKind.PROMOTER, p)) == {("promoter_payable", "CNY"): 300}
    assert await reconcile() == []
    shown = await reports.total("CNY")
    assert (shown.commission, shown.promoters, shown.subsidy) == (900, 300, 0)

    parts = [3333, 1, 2666, 4000]  # refunded in four parts: each share's parts add up to it
    for n, amount in enumerate(parts):
        await _refund(payment, amount, n)
        assert await reconcile() == []
    taken = await _by_party(payment)
    assert taken == {
        ("refunds", "resident", r): 10000,
        ("resident_payments", "resident", r): -10000,
    }
    first = await LedgerEntry.filter(transaction=f"refund:{(await Refund.first()).id}")
    back = {str(e.account): e.amount for e in first}
    # 3333 of 10000: the promoter gives back 100 (99.99), the platform 300 (299.97), the rest
    assert back == {
        "refunds": 3333,
        "promoter_payable": -100,
        "platform_commission": -300,
        "merchant_payable": -2933,
    }


async def test_every_entry_names_its_source_and_party(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    await request_refund(city, provider, payment, 5000, "operator", now=NOW)
    refund = await Refund.get(payment_id=payment.id)
    parties = {
        A.RESIDENT_PAYMENTS: ("resident", ready.resident.id),
        A.REFUNDS: ("resident", ready.resident.id),
        A.MERCHANT_PAYABLE: ("merchant", ready.merchant_id),
        A.PLATFORM_COMMISSION: ("platform", None),
    }
    entries = await LedgerEntry.all()
    assert len(entries) == 6
    for e in entries:
        assert (str(e.party_kind), e.party_id) == parties[e.account]
        assert e.merchant_id == ready.merchant_id  # whose sale it concerns
        if e.transaction.startswith("refund:"):
            assert (e.source_kind, e.source_id) == ("refund", refund.id)
        else:
            assert (e.source_kind, e.source_id) == ("payment", payment.id)


@pytest.mark.ledger_left_unbalanced
async def test_money_with_no_payment_posts_and_reconcile_reports_what_no_source_explains(
    db: str, city
) -> None:
    resident = await make_account()
    wallet = Party(PartyKind.RESIDENT, resident.id)
    await ledger.post(
        "wallet_topup:3",
        [
            Line(A.RESIDENT_PAYMENTS, -5000, None, wallet),
            Line(A.RESIDENT_WALLET, 5000, None, wallet),
        ],
        currency="CNY",
        source=Source("wallet_topup", 3),
    )
    entries = await LedgerEntry.all()
    assert {e.payment_id for e in entries} == {None}
    assert await balances(party=wallet) == {
        ("resident_payments", "CNY"): -5000,
        ("resident_wallet", "CNY"): 5000,
    }
    found = {(d.scope, d.what, d.actual) for d in await reconcile()}
    assert found == {
        ("source wallet_topup:3", "resident_payments", -5000),
        ("source wallet_topup:3", "resident_wallet", 5000),
    }
    with pytest.raises(ValueError, match="no party"):
        await ledger.post(
            "wallet_topup:4",
            [Line(A.RESIDENT_PAYMENTS, -1), Line(A.RESIDENT_WALLET, 1)],
            currency="CNY",
            source=Source("wallet_topup", 4),
        )


@pytest.mark.ledger_left_unbalanced
async def test_a_split_that_disagrees_with_its_payment_is_reported(db: str, city) -> None:
    ready = await held_booking(city)
    payment = await _tender(ready, [_item(10000)])
    await SplitShare.filter(payment_id=payment.id, share="merchant_share").update(amount=8000)
    found = {(d.scope, d.what) for d in await reconcile()}
    assert {
        (f"payment {payment.id}", "sum of shares"),
        (f"payment {payment.id}", "merchant share"),
    } <= found


async def test_entries_cannot_be_changed_or_deleted_through_the_model(db: str, city) -> None:
    ready = await held_booking(city)
    await _tender(ready, [_item(10000)])
    entry = await LedgerEntry.first()
    entry.amount += 1
    with pytest.raises(LedgerIsAppendOnly):
        await entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        await entry.delete()
    assert await reconcile() == []


async def test_postgresql_refuses_update_and_delete_of_entries(db: str, city) -> None:
    if db != "postgis":
        pytest.skip("the append-only trigger is PostgreSQL's")
    ready = await held_booking(city)
    await _tender(ready, [_item(10000)])
    entry = await LedgerEntry.first()
    with pytest.raises(OperationalError, match="append-only"):
        await LedgerEntry.filter(id=entry.id).update(amount=1)
    with pytest.raises(OperationalError, match="append-only"):
        await LedgerEntry.filter(id=entry.id).delete()
    conn = connections.get("default")
    with pytest.raises(OperationalError, match="append-only"):
        await conn.execute_script(f"UPDATE ledger_entries SET amount = 0 WHERE id = {entry.id}")
    assert await LedgerEntry.all().count() == 3
    assert await reconcile() == []


_CHANGES = {"update", "delete", "save", "bulk_update", "update_or_create", "select_for_update"}


def _touches_entries(node: ast.AST) -> bool:
    """Whether an expression is built on LedgerEntry (LedgerEntry.filter(...).update, ...)."""
    while True:
        if isinstance(node, ast.Name):
            return node.id == "LedgerEntry"
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def test_no_code_changes_or_deletes_ledger_entries() -> None:
    """Outside the tests, no statement updates, saves again or deletes an entry: the only write
    is LedgerEntry.create in payments.ledger.post."""
    root = Path(__file__).resolve().parents[2]
    offenders: list[str] = []
    creates: list[str] = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in {".venv", "tests"} or "migrations" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "LedgerEntry" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not _touches_entries(node.func.value):
                continue
            if node.func.attr in _CHANGES:
                offenders.append(f"{rel}:{node.lineno} {node.func.attr}")
            if node.func.attr == "create":
                creates.append(str(rel))
    assert offenders == []
    assert creates == [str(Path("payments/ledger.py"))]


@pytest.mark.ledger_left_unbalanced
async def test_a_refunded_amount_that_is_not_the_sum_of_refunds_is_reported(db: str, city) -> None:
    ready = await held_booking(city)
    payment = await _tender(ready, [_item(10000)])
    await _refund(payment, 2500, 1)
    assert await reconcile() == []
    await Payment.filter(id=payment.id).update(refunded_amount=2000)
    found = [(d.scope, d.what, d.expected, d.actual) for d in await reconcile()]
    assert found == [(f"payment {payment.id}", "refunded_amount", 2500, 2000)]
