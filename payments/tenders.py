"""Tenders: the payments that cover a payable, one or several (a card for the rest of what a
wallet did not cover, say), each with its split stored when it is created.

The split is computed once from the payable's lines (`payments.split`). A tender that covers
only part of the amount due takes the same part of every share: each share but the merchant's
is prorated (tender amount / amount due, rounded half up) and the merchant's share is what
remains, so a tender's shares always add up to its amount. `application_fee` is what the
platform keeps of the tender: its amount minus the merchant's share.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from tortoise.functions import Sum

from marketplace.notices.services import atomic
from payments.models import Payable, Payment
from payments.payables import lines_of
from payments.split import Share, ShareKind, Split, split
from payments.split_store import store_split
from payments.types import PAID, PaymentState

if TYPE_CHECKING:
    from marketplace.city import City


def prorate(shares: tuple[Share, ...], amount: int, amount_due: int) -> list[Share]:
    """`shares` of the whole amount due, scaled to a tender of `amount`."""
    if amount == amount_due:
        return list(shares)
    scaled: list[Share] = []
    for s in shares:
        if s.share is ShareKind.MERCHANT:
            scaled.append(s)
            continue
        part = (Decimal(s.amount) * amount / amount_due).to_integral_value(ROUND_HALF_UP)
        scaled.append(Share(s.share, s.party_kind, s.party_id, int(part), s.basis))
    others = sum(s.amount for s in scaled if s.share is not ShareKind.MERCHANT)
    return [
        Share(s.share, s.party_kind, s.party_id, amount - others, s.basis)
        if s.share is ShareKind.MERCHANT
        else s
        for s in scaled
    ]


async def shares_for(city: City, payable: Payable, amount: int) -> list[Share]:
    whole = split(
        await lines_of(payable),
        merchant_id=int(payable.merchant_id),  # type: ignore[attr-defined]
        percent=city.commission[payable.vertical],  # type: ignore[index]
    )
    return prorate(whole.shares, amount, payable.amount_due)


async def paid_so_far(payable: Payable) -> int:
    """What the payable's tenders have taken (refunds aside: a refund gives back, it does not
    make room for another tender)."""
    row = (
        await Payment.filter(payable_id=payable.id, state__in=list(PAID))
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return int((row[0]["total"] if row else 0) or 0)


async def create_tender(
    city: City,
    payable: Payable,
    *,
    provider: str,
    attempt: int,
    amount: int,
    state: PaymentState,
    idempotency_key: str,
    provider_ref: str | None = None,
) -> Payment:
    """A tender of `amount` of the payable, with its split; IntegrityError when the key is
    taken (a concurrent start of the same attempt)."""
    shares = await shares_for(city, payable, amount)
    merchant = sum(s.amount for s in shares if s.share is ShareKind.MERCHANT)
    async with atomic():
        payment = await Payment.create(
            payable_id=payable.id,
            resident_id=payable.resident_id,  # type: ignore[attr-defined]
            merchant_id=payable.merchant_id,  # type: ignore[attr-defined]
            provider=provider,
            provider_ref=provider_ref,
            attempt=attempt,
            amount=amount,
            currency=payable.currency,
            application_fee=amount - merchant,
            state=state,
            idempotency_key=idempotency_key,
        )
        await store_split(payment, Split(amount_due=amount, shares=tuple(shares)))
    return payment
