"""The ledger: unbalanced transactions are refused, a transaction posts once, and after a mix
of online payments, partial and full refunds and store payments across merchants the books
reconcile: all entries sum to zero and each merchant's payable is paid - fees - refunds (fees net
of the commission's share of refunds, which goes back with them)."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from payments import ledger
from payments.commission import fee_refunded
from payments.errors import UnbalancedTransaction
from payments.events import apply_event
from payments.ledger import Line, balances, reconcile
from payments.models import LedgerEntry, Payment, Refund
from payments.pay_at_store import PayAtStoreProvider, record_store_payment
from payments.refunds import request_refund
from payments.starting import start_payment
from payments.types import PAID, LedgerAccount, RefundState
from tests.payments.conftest import URLS, held_booking, held_order
from tests.support.bookables import NOW

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
