"""The ledger: every movement of money as a balanced transaction in minor units.

Accounts (`payments.types.LedgerAccount`), negative = money in (from residents, or paid in by
the platform), positive = where it is kept or owed; every transaction, and so the whole ledger,
sums to zero per currency. Each entry names its source (what the transaction records: a payment,
a refund, later a wallet top-up ...), its party (whose balance it moves: a resident, a merchant,
a promoter, the platform) and the merchant whose sale it concerns, for per-merchant reports.

A paid tender posts its split (`payments.split`, stored as `SplitShare` rows once per payment):

- online payment A: resident_payments -A (the resident); then each share: merchant_payable
  +merchant share, platform_commission +commission, promoter_payable +a promoter's share, and
  platform_subsidy -subsidy when a platform-funded discount exceeds the commission (the platform
  pays the merchant more than it took);
- paid at the store A: resident_payments -A, cash_at_store +A (the merchant keeps the cash),
  merchant_payable -(A - merchant share) (it owes the rest), and the other shares as online;
- refund R of it: refunds +R (the resident), and each share but the merchant's gives back its
  part (`commission.share_refunded`, the rule the commission always followed, so the merchant is
  not charged commission on money given back); the merchant's payable gives back the rest, so
  the parts of a full refund add up exactly;
- a refund reported done that later failed: the same lines with the opposite signs.

So a merchant's payable is always its shares of online payments, less the rest of store
payments, less what was refunded: `reconcile()` checks every account, per merchant, per party
and for the whole city, against the payments, refunds and splits themselves. A transaction's id
is derived from our ids and (transaction, line) is unique, so posting the same transaction twice
fails in the database rather than counting twice. Entries are never updated or deleted: this
module has no such path, the model refuses it, and PostgreSQL refuses it with a trigger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from payments.commission import share_refunded
from payments.errors import UnbalancedTransaction
from payments.models import LedgerEntry, Payment, Refund, SplitShare
from payments.split import ShareKind
from payments.types import PAID, LedgerAccount, PartyKind, RefundState
from payments.types import STORE_PROVIDER as STORE

A = LedgerAccount
P = PartyKind

PAYMENT = "payment"
REFUND = "refund"
# the sources `reconcile` can check entries against; any other source is reported
EXPLAINED_SOURCES = frozenset({PAYMENT, REFUND})

# where each kind of share is kept
SHARE_ACCOUNT = {
    ShareKind.MERCHANT: A.MERCHANT_PAYABLE,
    ShareKind.PLATFORM_COMMISSION: A.PLATFORM_COMMISSION,
    ShareKind.PLATFORM_SUBSIDY: A.PLATFORM_SUBSIDY,
    ShareKind.THIRD_PARTY: A.PROMOTER_PAYABLE,
}


@dataclass(frozen=True)
class Party:
    kind: PartyKind
    id: int | None = None  # None for the platform

    def __str__(self) -> str:
        return self.kind.value if self.id is None else f"{self.kind.value} {self.id}"


PLATFORM = Party(P.PLATFORM)


@dataclass(frozen=True)
class Source:
    kind: str  # "payment", "refund", later "wallet_topup", ...
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Line:
    account: LedgerAccount
    amount: int  # signed minor units
    merchant_id: int | None = None  # the merchant whose sale it concerns
    party: Party | None = None  # required: whose balance it moves


@dataclass(frozen=True)
class PaidShare:
    """One share of a paid tender as the ledger posts it."""

    share: ShareKind
    party: Party
    amount: int

    @property
    def account(self) -> LedgerAccount:
        return SHARE_ACCOUNT[self.share]


async def post(
    transaction: str,
    lines: Sequence[Line],
    *,
    currency: str,
    source: Source | None = None,
    payment: Payment | None = None,
    refund: Refund | None = None,
) -> list[LedgerEntry]:
    """Write one balanced transaction atomically; refuse it unless its lines sum to zero and
    each says whose it is. With no `source`, the refund or else the payment is the source."""
    if not lines:
        raise UnbalancedTransaction(f"transaction {transaction}: no lines")
    for line in lines:
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise UnbalancedTransaction(f"transaction {transaction}: amounts are integers")
    total = sum(line.amount for line in lines)
    if total != 0:
        raise UnbalancedTransaction(f"transaction {transaction}: lines sum to {total}, not 0")
    if source is None:
        if refund is not None:
            source = Source(REFUND, refund.id)
        elif payment is not None:
            source = Source(PAYMENT, payment.id)
        else:
            raise ValueError(f"transaction {transaction}: no source")
    if missing := [i for i, line in enumerate(lines) if line.party is None]:
        raise ValueError(f"transaction {transaction}: lines {missing} name no party")
    async with in_transaction():
        return [
            await LedgerEntry.create(
                transaction=transaction,
                line=i,
                account=line.account,
                source_kind=source.kind,
                source_id=source.id,
                party_kind=line.party.kind,  # type: ignore[union-attr]
                party_id=line.party.id,  # type: ignore[union-attr]
                merchant_id=line.merchant_id,
                payment=payment,
                refund=refund,
                amount=line.amount,
                currency=currency,
            )
            for i, line in enumerate(lines)
        ]


def _resident(payment: Payment) -> Party:
    return Party(P.RESIDENT, payment.resident_id)  # type: ignore[attr-defined]


def _merchant(payment: Payment) -> Party:
    return Party(P.MERCHANT, payment.merchant_id)  # type: ignore[attr-defined]


def _as_paid(row: SplitShare) -> PaidShare:
    kind = P(row.party_kind)
    return PaidShare(ShareKind(row.share), Party(kind, row.party_id), row.amount)


async def shares(payment: Payment) -> list[PaidShare]:
    """The payment's stored split, in order (every tender stores one when it is created)."""
    return (await _shares_of([payment])).get(payment.id, [])


async def _shares_of(payments: Iterable[Payment]) -> dict[int, list[PaidShare]]:
    ids = [p.id for p in payments]
    out: dict[int, list[PaidShare]] = defaultdict(list)
    if ids:
        for row in await SplitShare.filter(payment_id__in=ids).order_by("payment_id", "position"):
            out[row.payment_id].append(_as_paid(row))  # type: ignore[attr-defined]
    return out


def _merchant_share(paid: Sequence[PaidShare]) -> int:
    return sum(s.amount for s in paid if s.share is ShareKind.MERCHANT)


async def record_payment(payment: Payment) -> list[LedgerEntry]:
    """An online payment the provider says succeeded: the resident's money, split."""
    m = payment.merchant_id  # type: ignore[attr-defined]
    lines = [Line(A.RESIDENT_PAYMENTS, -payment.amount, m, _resident(payment))]
    lines += [Line(s.account, s.amount, m, s.party) for s in await shares(payment)]
    return await post(
        f"payment:{payment.id}",
        lines,
        currency=payment.currency,
        source=Source(PAYMENT, payment.id),
        payment=payment,
    )


async def record_store_payment(payment: Payment) -> list[LedgerEntry]:
    """Cash the merchant took at the store: it keeps the cash and owes the others' shares."""
    m = payment.merchant_id  # type: ignore[attr-defined]
    paid = await shares(payment)
    merchant = _merchant(payment)
    lines = [
        Line(A.RESIDENT_PAYMENTS, -payment.amount, m, _resident(payment)),
        Line(A.CASH_AT_STORE, payment.amount, m, merchant),
        Line(A.MERCHANT_PAYABLE, _merchant_share(paid) - payment.amount, m, merchant),
    ]
    lines += [
        Line(s.account, s.amount, m, s.party) for s in paid if s.share is not ShareKind.MERCHANT
    ]
    return await post(
        f"store:{payment.id}",
        lines,
        currency=payment.currency,
        source=Source(PAYMENT, payment.id),
        payment=payment,
    )


def shares_back(paid: Sequence[PaidShare], amount: int, refunded: int) -> list[PaidShare]:
    """What each share has given back once `refunded` of `amount` is refunded: every share but
    the merchant's its part (`share_refunded`), the merchant's the rest."""
    others = [
        PaidShare(s.share, s.party, share_refunded(s.amount, amount, refunded))
        for s in paid
        if s.share is not ShareKind.MERCHANT
    ]
    merchant = [s for s in paid if s.share is ShareKind.MERCHANT]
    rest = max(min(refunded, amount), 0) - sum(s.amount for s in others)
    if not merchant:
        raise ValueError("a split without the merchant's share")
    return [PaidShare(ShareKind.MERCHANT, merchant[0].party, rest), *others]


def _refund_lines(
    payment: Payment, paid: Sequence[PaidShare], amount: int, before: int, after: int
) -> list[Line]:
    m = payment.merchant_id  # type: ignore[attr-defined]
    was = shares_back(paid, payment.amount, before)
    now = shares_back(paid, payment.amount, after)
    merchant = now[0].amount - was[0].amount
    lines = [Line(A.REFUNDS, amount, m, _resident(payment))]
    lines += [
        Line(n.account, -(n.amount - w.amount), m, n.party)
        for n, w in zip(now[1:], was[1:], strict=True)
    ]
    lines.append(Line(A.MERCHANT_PAYABLE, -merchant, m, now[0].party))
    return lines


async def record_refund(payment: Payment, refund: Refund, before: int) -> list[LedgerEntry]:
    """`refund` given back when `before` had been refunded already: each share gives back its
    part, the merchant's the rest."""
    return await post(
        f"refund:{refund.id}",
        _refund_lines(
            payment, await shares(payment), refund.amount, before, before + refund.amount
        ),
        currency=payment.currency,
        source=Source(REFUND, refund.id),
        payment=payment,
        refund=refund,
    )


async def reverse_refund(payment: Payment, refund: Refund, before: int) -> list[LedgerEntry]:
    """A refund the provider reported succeeded and later failed: the money is back with us."""
    return await post(
        f"refund-reversal:{refund.id}",
        _refund_lines(
            payment, await shares(payment), -refund.amount, before, before - refund.amount
        ),
        currency=payment.currency,
        source=Source(REFUND, refund.id),
        payment=payment,
        refund=refund,
    )


async def balances(
    merchant_id: int | None = None, *, party: Party | None = None
) -> dict[tuple[str, str], int]:
    """{(account, currency): balance}, for one merchant's sales, one party, or the whole city."""
    query = LedgerEntry.all()
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    if party is not None:
        query = query.filter(party_kind=party.kind, party_id=party.id)
    rows = (
        await query.annotate(total=Sum("amount"))
        .group_by("account", "currency")
        .values("account", "currency", "total")
    )
    return {(str(r["account"]), r["currency"]): int(r["total"] or 0) for r in rows}


@dataclass(frozen=True)
class Discrepancy:
    # "ledger", "transaction payment:17", "merchant 3", "party resident 5", "party platform",
    # "city", "payment 17" (its split), "source wallet_topup:3" (no source explains it)
    scope: str
    what: str  # the account or rule
    currency: str
    expected: int
    actual: int


# (merchant id, party, account, currency)
Key = tuple[int | None, Party, str, str]


async def reconcile() -> list[Discrepancy]:
    """Every way the books can disagree with themselves or with the payments, refunds and
    splits; [] when sound."""
    found: list[Discrepancy] = []
    totals: dict[str, int] = defaultdict(int)
    per_transaction: dict[tuple[str, str], int] = defaultdict(int)
    unexplained: dict[tuple[str, str, str], int] = defaultdict(int)
    actual: dict[Key, int] = defaultdict(int)
    entries = await LedgerEntry.all().values_list(
        "transaction",
        "currency",
        "amount",
        "account",
        "merchant_id",
        "party_kind",
        "party_id",
        "source_kind",
        "source_id",
    )
    for tx, currency, amount, account, m, party_kind, party_id, source_kind, source_id in entries:
        totals[currency] += amount
        per_transaction[(tx, currency)] += amount
        if source_kind in EXPLAINED_SOURCES:
            party = Party(P(party_kind), party_id)
            actual[(m, party, str(account), currency)] += amount
        else:
            unexplained[(f"{source_kind}:{source_id}", str(account), currency)] += amount
    found += [Discrepancy("ledger", "sum of all entries", c, 0, t) for c, t in totals.items() if t]
    found += [
        Discrepancy(f"transaction {tx}", "sum of lines", c, 0, t)
        for (tx, c), t in per_transaction.items()
        if t
    ]
    found += [
        Discrepancy(f"source {source}", account, c, 0, t)
        for (source, account, c), t in sorted(unexplained.items())
        if t
    ]
    expected, split_found = await _expected()
    found += split_found
    for view in (_per_merchant, _per_party, _per_city):
        want, got = _grouped(expected, view), _grouped(actual, view)
        for key in sorted(set(want) | set(got)):
            if want.get(key, 0) != got.get(key, 0):
                found.append(Discrepancy(key[0], key[1], key[2], want.get(key, 0), got.get(key, 0)))
    return found


# (scope, account, currency): how `reconcile` compares expected and actual balances
View = tuple[str, str, str]


def _per_merchant(key: Key) -> View:
    return (f"merchant {key[0]}", key[2], key[3])


def _per_party(key: Key) -> View:
    return (f"party {key[1]}", key[2], key[3])


def _per_city(key: Key) -> View:
    return ("city", key[2], key[3])


def _grouped(amounts: dict[Key, int], view: Callable[[Key], View]) -> dict[View, int]:
    out: dict[View, int] = defaultdict(int)
    for key, amount in amounts.items():
        out[view(key)] += amount
    return {k: v for k, v in out.items() if v}


def _as_fee_says(payment: Payment, paid: list[PaidShare]) -> list[PaidShare]:
    """The split with the merchant's share as the payment's fee leaves it (what the provider was
    told), and the platform's commission what the fee leaves after the other shares: a payment
    whose fee and split disagree then shows in the merchant's and the platform's accounts."""
    own = (ShareKind.MERCHANT, ShareKind.PLATFORM_COMMISSION)
    rest = [s for s in paid if s.share not in own]  # subsidy and third parties, as stored
    commission = payment.application_fee - sum(s.amount for s in rest)
    out = [
        PaidShare(ShareKind.MERCHANT, _merchant(payment), payment.amount - payment.application_fee)
    ]
    out += rest
    if commission or any(s.share is ShareKind.PLATFORM_COMMISSION for s in paid):
        out.append(PaidShare(ShareKind.PLATFORM_COMMISSION, PLATFORM, commission))
    return out


async def _expected() -> tuple[dict[Key, int], list[Discrepancy]]:
    """What each account should hold per merchant and party, from the payments, refunds and
    splits alone; and each split that does not add up to its payment, and each payment whose
    refunded amount is not the sum of its refunds."""
    want: dict[Key, int] = defaultdict(int)
    found: list[Discrepancy] = []
    payments = await Payment.filter(state__in=list(PAID))
    stored = await _shares_of(payments)
    split_of: dict[int, list[PaidShare]] = {}
    for p in payments:
        m, c = p.merchant_id, p.currency  # type: ignore[attr-defined]
        paid = stored.get(p.id, [])
        if (total := sum(s.amount for s in paid)) != p.amount:
            found.append(Discrepancy(f"payment {p.id}", "sum of shares", c, p.amount, total))
        if (merchant := _merchant_share(paid)) != p.amount - p.application_fee:
            found.append(
                Discrepancy(
                    f"payment {p.id}", "merchant share", c, p.amount - p.application_fee, merchant
                )
            )
        paid = split_of[p.id] = _as_fee_says(p, paid)
        want[(m, _resident(p), A.RESIDENT_PAYMENTS.value, c)] -= p.amount
        if p.provider == STORE:
            want[(m, _merchant(p), A.CASH_AT_STORE.value, c)] += p.amount
            want[(m, _merchant(p), A.MERCHANT_PAYABLE.value, c)] -= p.amount
        for s in paid:
            want[(m, s.party, s.account.value, c)] += s.amount
    refunded: dict[int, int] = defaultdict(int)
    rows = await Refund.filter(state=RefundState.SUCCEEDED).values_list("payment_id", "amount")
    for payment_id, amount in rows:
        refunded[payment_id] += amount
    by_id = {p.id: p for p in payments}  # only a paid payment has refunds
    for p in payments:  # a cache of the refunds, which decides what can still be refunded
        if p.refunded_amount != refunded.get(p.id, 0):
            found.append(
                Discrepancy(
                    f"payment {p.id}",
                    "refunded_amount",
                    p.currency,
                    refunded.get(p.id, 0),
                    p.refunded_amount,
                )
            )
    for payment_id, total in refunded.items():
        p = by_id.get(payment_id)
        if p is None:  # money given back that was never taken
            found.append(
                Discrepancy(f"payment {payment_id}", "refund of an unpaid payment", "", 0, total)
            )
            continue
        m, c = p.merchant_id, p.currency  # type: ignore[attr-defined]
        want[(m, _resident(p), A.REFUNDS.value, c)] += total
        for s in shares_back(split_of[payment_id], p.amount, total):
            want[(m, s.party, s.account.value, c)] -= s.amount
    return {k: v for k, v in want.items() if v}, found
