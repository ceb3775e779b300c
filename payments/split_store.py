"""Storing a tender's split: the `SplitShare` rows the ledger posts from, written once.

A payment's split is computed once (`payments.split.split`) and kept with it, so what the ledger
posts, what reconcile expects and what the provider was told come from the same rows, even if
the city's commission changes later.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from payments.models import Payment, SplitShare
from payments.split import Split


async def store_split(payment: Payment, split: Split) -> list[SplitShare]:
    """Write `split`'s shares for `payment`, one row per share in order; a payment that has its
    shares already keeps them ((payment, position) is unique) and they are returned."""
    if split.amount_due != payment.amount:
        raise ValueError(
            f"payment {payment.id}: split of {split.amount_due} for an amount of {payment.amount}"
        )
    stored = await stored_shares(payment)
    if stored:
        return stored
    try:
        async with in_transaction():
            return [
                await SplitShare.create(
                    payment=payment,
                    position=position,
                    share=share.share.value,
                    party_kind=share.party_kind,
                    party_id=share.party_id,
                    amount=share.amount,
                    basis=share.basis[:120],
                )
                for position, share in enumerate(split.shares)
            ]
    except IntegrityError:  # stored at the same moment by a concurrent request
        return await stored_shares(payment)


async def stored_shares(payment: Payment) -> list[SplitShare]:
    return await SplitShare.filter(payment_id=payment.id).order_by("position")
