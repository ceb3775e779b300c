"""What the payment pages read: a merchant's and the city's earnings from the ledger (in total,
per month in the city's time, per vertical), the latest payment of a purchase, and the
recent refunds. Reads only; the numbers come from `payments.ledger`'s accounts, so they agree
with `ledger.balances` and `ledger.reconcile` by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from listings.models import Merchant
from payments.ledger import balances
from payments.models import LedgerEntry, Payment, Refund
from payments.pay_at_store import PROVIDER_NAME as STORE_PROVIDER
from payments.types import LedgerAccount

A = LedgerAccount


@dataclass(frozen=True)
class Summary:
    """Money in minor units: what residents paid (online and at the store), the platform's
    commission, what was given back, and what the platform owes the merchant(s)."""

    gross: int = 0
    store: int = 0  # of `gross`, taken at the store (the merchant keeps it)
    commission: int = 0
    refunds: int = 0
    payable: int = 0  # negative: the merchant owes commission on store payments
    subsidy: int = 0  # what the platform paid in where its coupons exceeded its commission
    promoters: int = 0  # owed to promoters out of the platform's commission

    @property
    def online(self) -> int:
        return self.gross - self.store

    @property
    def net(self) -> int:
        """What the merchant earned: the cash kept at the store plus what the platform owes it
        (its shares, less commission on store payments and refunds), from the same accounts."""
        return self.store + self.payable

    @classmethod
    def of(cls, by_account: Mapping[str, int]) -> Summary:
        return cls(
            gross=-by_account.get(A.RESIDENT_PAYMENTS.value, 0),
            store=by_account.get(A.CASH_AT_STORE.value, 0),
            commission=by_account.get(A.PLATFORM_COMMISSION.value, 0),
            refunds=by_account.get(A.REFUNDS.value, 0),
            payable=by_account.get(A.MERCHANT_PAYABLE.value, 0),
            subsidy=-by_account.get(A.PLATFORM_SUBSIDY.value, 0),
            promoters=by_account.get(A.PROMOTER_PAYABLE.value, 0),
        )


@dataclass(frozen=True)
class Earnings:
    total: Summary
    months: list[tuple[datetime, Summary]]  # newest first; the month's first day, city time
    verticals: list[tuple[str, Summary]]  # city-wide only


async def total(currency: str, merchant_id: int | None = None) -> Summary:
    found = await balances(merchant_id)
    return Summary.of({account: v for (account, c), v in found.items() if c == currency})


def _by(rows: Iterable[tuple[object, str, int]]) -> dict[object, Summary]:
    sums: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, account, amount in rows:
        sums[key][account] += amount
    return {key: Summary.of(accounts) for key, accounts in sums.items()}


async def earnings(currency: str, tz: tzinfo, merchant_id: int | None = None) -> Earnings:
    """A merchant's (or, with no merchant, the city's) earnings in total and per month."""
    query = LedgerEntry.filter(currency=currency)
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    entries = await query.values_list(
        "merchant_id", "account", "amount", "created_at", "payment_id", "refund_id"
    )
    months = _by(
        (
            at.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0),
            str(account),
            amount,
        )
        for _m, account, amount, at, *_sources in entries
    )
    verticals: dict[object, Summary] = {}
    if merchant_id is None:
        vertical_of = await _verticals_of(entries)
        verticals = _by(
            (vertical_of(m, payment, refund), str(account), amount)
            for m, account, amount, _at, payment, refund in entries
        )
    return Earnings(
        total=await total(currency, merchant_id),
        months=sorted(months.items(), key=lambda kv: kv[0], reverse=True),  # type: ignore[arg-type,return-value]
        verticals=sorted(verticals.items(), key=lambda kv: -kv[1].gross),  # type: ignore[arg-type]
    )


async def _verticals_of(
    entries: Iterable[tuple[Any, ...]],
) -> Callable[[int | None, int | None, int | None], str]:
    """Which vertical each entry's money was for: the vertical of the purchase paid or refunded
    (a payable records the one its commission was taken at), else the merchant's own; "" for
    money that is no purchase's. A merchant may sell in several verticals, and the demo's and
    imported merchants name none, so the merchant alone cannot say."""
    rows = list(entries)
    payment_ids = {p for *_rest, p, _r in rows if p is not None}
    refund_ids = {r for *_rest, r in rows if r is not None}
    merchant_ids = {m for m, *_rest in rows if m is not None}
    by_payment = dict(
        await Payment.filter(id__in=list(payment_ids)).values_list("id", "payable__vertical")
    )
    by_refund = dict(
        await Refund.filter(id__in=list(refund_ids)).values_list("id", "payment__payable__vertical")
    )
    by_merchant = dict(
        await Merchant.filter(id__in=list(merchant_ids)).values_list("id", "vertical")
    )

    def vertical_of(merchant: int | None, payment: int | None, refund: int | None) -> str:
        found = by_payment.get(payment) or by_refund.get(refund) or by_merchant.get(merchant)
        return str(found or "")

    return vertical_of


async def latest_payment(kind: str, ref_id: int) -> Payment | None:
    """The last attempt to pay a purchase, whatever its state."""
    return (
        await Payment.filter(payable__kind=kind, payable__ref_id=ref_id)
        .order_by("-attempt", "-id")
        .first()
    )


@dataclass(frozen=True)
class RefundRow:
    id: int
    amount: int
    currency: str
    state: str
    reason: str
    created_at: datetime
    kind: str
    payable_id: int  # the purchase's id in its own table (the payable's ref_id)
    merchant_name: dict[str, str]


async def recent_refunds(limit: int = 20) -> list[RefundRow]:
    refunds = (
        await Refund.all()
        .order_by("-created_at", "-id")
        .limit(limit)
        .prefetch_related("payment", "payment__merchant", "payment__payable")
    )
    return [
        RefundRow(
            id=r.id,
            amount=r.amount,
            currency=r.payment.currency,
            state=str(r.state),
            reason=r.reason,
            created_at=r.created_at,
            kind=r.payment.payable.kind,
            payable_id=r.payment.payable.ref_id,
            merchant_name=r.payment.merchant.name or {},
        )
        for r in refunds
    ]


async def recorded_at_store(kind: str, ref_ids: Iterable[int]) -> set[int]:
    """Which of these purchases already have their store payment recorded, so a queue stops
    offering to record it again."""
    ids = list(ref_ids)
    if not ids:
        return set()
    rows = await Payment.filter(
        provider=STORE_PROVIDER, payable__kind=kind, payable__ref_id__in=ids
    ).values_list("payable__ref_id", flat=True)
    return {int(i) for i in rows if i is not None}
