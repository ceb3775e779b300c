"""The ledger: every payment, fee and refund as a balanced transaction in minor units.

Accounts (`payments.types.LedgerAccount`), negative = money in from residents, positive = where
it is kept or owed; every transaction, and so the whole ledger, sums to zero per currency.

- online payment A with fee F: resident_payments -A, platform_commission +F,
  merchant_payable +(A-F);
- refund R of it: refunds +R, platform_commission -f, merchant_payable -(R-f), where f is the
  commission's share of the refund (`commission.fee_refunded`; the Stripe provider refunds
  with `refund_application_fee`, so the merchant is not charged commission on money given back);
- a refund reported done that later failed: the same lines with the opposite signs;
- paid at the store A with fee F: resident_payments -A, cash_at_store +A (the merchant keeps the
  cash), platform_commission +F, merchant_payable -F (and owes the commission).

So a merchant's payable is always online paid - fees (net of fee refunds) - refunds, and its
cash_at_store is what it took at the store: `reconcile()` checks both against the payments and
refunds themselves. A transaction's id is derived from our ids and (transaction, line) is
unique, so posting the same transaction twice fails in the database rather than counting twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from payments.commission import fee_refunded
from payments.errors import UnbalancedTransaction
from payments.models import LedgerEntry, Payment, Refund
from payments.types import PAID, LedgerAccount, RefundState

A = LedgerAccount


@dataclass(frozen=True)
class Line:
    account: LedgerAccount
    amount: int  # signed minor units
    merchant_id: int | None = None


async def post(
    transaction: str,
    lines: Sequence[Line],
    *,
    currency: str,
    payment: Payment,
    refund: Refund | None = None,
) -> list[LedgerEntry]:
    """Write one balanced transaction atomically; refuse it unless its lines sum to zero."""
    if not lines:
        raise UnbalancedTransaction(f"transaction {transaction}: no lines")
    for line in lines:
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise UnbalancedTransaction(f"transaction {transaction}: amounts are integers")
    total = sum(line.amount for line in lines)
    if total != 0:
        raise UnbalancedTransaction(f"transaction {transaction}: lines sum to {total}, not 0")
    async with in_transaction():
        return [
            await LedgerEntry.create(
                transaction=transaction,
                line=i,
                account=line.account,
                merchant_id=line.merchant_id,
                payment=payment,
                refund=refund,
                amount=line.amount,
                currency=currency,
            )
            for i, line in enumerate(lines)
        ]


async def record_payment(payment: Payment) -> list[LedgerEntry]:
    """An online payment the provider says succeeded: gross, commission, merchant's net."""
    m = payment.merchant_id  # type: ignore[attr-defined]
    fee = payment.application_fee
    return await post(
        f"payment:{payment.id}",
        [
            Line(A.RESIDENT_PAYMENTS, -payment.amount, m),
            Line(A.PLATFORM_COMMISSION, fee, m),
            Line(A.MERCHANT_PAYABLE, payment.amount - fee, m),
        ],
        currency=payment.currency,
        payment=payment,
    )


async def record_store_payment(payment: Payment) -> list[LedgerEntry]:
    """Cash the merchant took at the store: it keeps the cash and owes the commission."""
    m = payment.merchant_id  # type: ignore[attr-defined]
    fee = payment.application_fee
    return await post(
        f"store:{payment.id}",
        [
            Line(A.RESIDENT_PAYMENTS, -payment.amount, m),
            Line(A.CASH_AT_STORE, payment.amount, m),
            Line(A.PLATFORM_COMMISSION, fee, m),
            Line(A.MERCHANT_PAYABLE, -fee, m),
        ],
        currency=payment.currency,
        payment=payment,
    )


def _refund_lines(payment: Payment, amount: int, before: int, after: int) -> list[Line]:
    m = payment.merchant_id  # type: ignore[attr-defined]
    fee, gross = payment.application_fee, payment.amount
    fee_back = fee_refunded(fee, gross, after) - fee_refunded(fee, gross, before)
    return [
        Line(A.REFUNDS, amount, m),
        Line(A.PLATFORM_COMMISSION, -fee_back, m),
        Line(A.MERCHANT_PAYABLE, fee_back - amount, m),
    ]


async def record_refund(payment: Payment, refund: Refund, before: int) -> list[LedgerEntry]:
    """`refund` given back when `before` had been refunded already: out of the merchant's
    share, with the commission's share of it returned."""
    return await post(
        f"refund:{refund.id}",
        _refund_lines(payment, refund.amount, before, before + refund.amount),
        currency=payment.currency,
        payment=payment,
        refund=refund,
    )


async def reverse_refund(payment: Payment, refund: Refund, before: int) -> list[LedgerEntry]:
    """A refund the provider reported succeeded and later failed: the money is back with us."""
    return await post(
        f"refund-reversal:{refund.id}",
        _refund_lines(payment, -refund.amount, before, before - refund.amount),
        currency=payment.currency,
        payment=payment,
        refund=refund,
    )


async def balances(merchant_id: int | None = None) -> dict[tuple[str, str], int]:
    """{(account, currency): balance}, for one merchant or for the whole city."""
    query = LedgerEntry.all()
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    rows = (
        await query.annotate(total=Sum("amount"))
        .group_by("account", "currency")
        .values("account", "currency", "total")
    )
    return {(str(r["account"]), r["currency"]): int(r["total"] or 0) for r in rows}


@dataclass(frozen=True)
class Discrepancy:
    scope: str  # "ledger", "transaction payment:17", "merchant 3", "city"
    what: str  # the account or rule
    currency: str
    expected: int
    actual: int


async def reconcile() -> list[Discrepancy]:
    """Every way the books can disagree with themselves or with the payments; [] when sound."""
    found: list[Discrepancy] = []
    totals: dict[str, int] = defaultdict(int)
    per_transaction: dict[tuple[str, str], int] = defaultdict(int)
    entries = await LedgerEntry.all().values_list("transaction", "currency", "amount")
    for transaction, currency, amount in entries:
        totals[currency] += amount
        per_transaction[(transaction, currency)] += amount
    found += [Discrepancy("ledger", "sum of all entries", c, 0, t) for c, t in totals.items() if t]
    found += [
        Discrepancy(f"transaction {tx}", "sum of lines", c, 0, t)
        for (tx, c), t in per_transaction.items()
        if t
    ]
    expected = await _expected_by_merchant()
    actual = await _ledger_by_merchant()
    for key in sorted(set(expected) | set(actual), key=str):
        want, got = expected.get(key, 0), actual.get(key, 0)
        if want != got:
            merchant_id, account, currency = key
            found.append(Discrepancy(f"merchant {merchant_id}", account, currency, want, got))
    city_want, city_got = _by_account(expected), _by_account(actual)
    for key in sorted(set(city_want) | set(city_got)):
        if city_want.get(key, 0) != city_got.get(key, 0):
            found.append(
                Discrepancy("city", key[0], key[1], city_want.get(key, 0), city_got.get(key, 0))
            )
    return found


def _by_account(by_merchant: dict[tuple[int, str, str], int]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for (_, account, currency), amount in by_merchant.items():
        out[(account, currency)] += amount
    return out


async def _expected_by_merchant() -> dict[tuple[int, str, str], int]:
    """What each account should hold per merchant, from the payments and refunds alone."""
    from payments.pay_at_store import PROVIDER_NAME as STORE

    want: dict[tuple[int, str, str], int] = defaultdict(int)
    for p in await Payment.filter(state__in=list(PAID)):
        m, c = p.merchant_id, p.currency  # type: ignore[attr-defined]
        want[(m, A.RESIDENT_PAYMENTS.value, c)] -= p.amount
        want[(m, A.PLATFORM_COMMISSION.value, c)] += p.application_fee
        if p.provider == STORE:
            want[(m, A.CASH_AT_STORE.value, c)] += p.amount
            want[(m, A.MERCHANT_PAYABLE.value, c)] -= p.application_fee
        else:  # payable = paid online - fees - refunds
            want[(m, A.MERCHANT_PAYABLE.value, c)] += p.amount - p.application_fee
    refunded: dict[int, int] = defaultdict(int)
    payments: dict[int, Payment] = {}
    for r in await Refund.filter(state=RefundState.SUCCEEDED).prefetch_related("payment"):
        m, c = r.payment.merchant_id, r.payment.currency
        want[(m, A.REFUNDS.value, c)] += r.amount
        want[(m, A.MERCHANT_PAYABLE.value, c)] -= r.amount
        refunded[r.payment.id] += r.amount
        payments[r.payment.id] = r.payment
    for payment_id, total in refunded.items():
        p = payments[payment_id]
        fee_back = fee_refunded(p.application_fee, p.amount, total)
        m, c = p.merchant_id, p.currency  # type: ignore[attr-defined]
        want[(m, A.PLATFORM_COMMISSION.value, c)] -= fee_back
        want[(m, A.MERCHANT_PAYABLE.value, c)] += fee_back
    return {k: v for k, v in want.items() if v}


async def _ledger_by_merchant() -> dict[tuple[int, str, str], int]:
    rows = (
        await LedgerEntry.all()
        .annotate(total=Sum("amount"))
        .group_by("merchant_id", "account", "currency")
        .values("merchant_id", "account", "currency", "total")
    )
    got = {(r["merchant_id"], str(r["account"]), r["currency"]): int(r["total"] or 0) for r in rows}
    return {k: v for k, v in got.items() if v}
