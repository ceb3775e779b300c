"""Payables: whatever a resident pays for, opened with its priced lines in the same transaction
as the purchase's own row, and found again by (kind, ref_id) or by its reference "kind:id"."""

from __future__ import annotations

from tortoise.functions import Max

from payments.errors import PayableNotFound
from payments.models import Payable, PayableLine
from payments.pricing import Adjustment, Priced
from payments.types import FundedBy, LineKind


async def open_payable(
    kind: str,
    ref_id: int,
    *,
    resident_id: int,
    merchant_id: int,
    vertical: str,
    currency: str,
    priced: Priced,
) -> Payable:
    """Call inside the transaction that creates the purchase."""
    payable = await Payable.create(
        kind=kind,
        ref_id=ref_id,
        resident_id=resident_id,
        merchant_id=merchant_id,
        vertical=vertical,
        currency=currency,
        amount_due=priced.amount_due,
    )
    await PayableLine.bulk_create(
        [
            PayableLine(
                payable_id=payable.id,
                position=position,
                kind=line.kind,
                label=line.label,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                amount=line.amount,
                funded_by=line.funded_by,
                ref=line.ref,
            )
            for position, line in enumerate(priced.lines, 1)
        ]
    )
    return payable


async def payable_of(kind: str, ref_id: int) -> Payable:
    payable = await Payable.get_or_none(kind=kind, ref_id=ref_id)
    if payable is None:
        raise PayableNotFound(f"No such {kind}.")
    return payable


def parse_reference(reference: str | None) -> tuple[str, int] | None:
    """("booking", 42) from "booking:42"; None for anything else."""
    if not reference or ":" not in reference:
        return None
    kind, _, number = reference.partition(":")
    try:
        return kind, int(number)
    except ValueError:
        return None


async def lines_of(payable: Payable) -> list[PayableLine]:
    return await PayableLine.filter(payable_id=payable.id).order_by("position")


async def add_adjustment(payable: Payable, adjustment: Adjustment) -> Payable:
    """A price change made after the purchase was priced (a merchant's discount at the
    counter): one more line, and the amount due follows it. Call inside the transaction that
    pays the rest, before the tender is created, so the split is computed from the new lines."""
    if adjustment.funded_by is FundedBy.NONE:
        raise ValueError("an adjustment must say who funds it (platform or merchant)")
    due = payable.amount_due + adjustment.amount
    if due < 0:
        raise ValueError(f"price changes exceed what is bought: {due}")
    rows = (
        await PayableLine.filter(payable_id=payable.id)
        .annotate(last=Max("position"))
        .values("last")
    )
    last = rows[0]["last"] if rows else 0
    await PayableLine.create(
        payable_id=payable.id,
        position=int(last or 0) + 1,
        kind=LineKind.ADJUSTMENT,
        label=dict(adjustment.label),
        quantity=1,
        unit_amount=adjustment.amount,
        amount=adjustment.amount,
        funded_by=adjustment.funded_by,
        ref=adjustment.ref,
    )
    # conditional: a concurrent change of the amount due fails here rather than being lost
    changed = await Payable.filter(id=payable.id, amount_due=payable.amount_due).update(
        amount_due=due
    )
    if changed != 1:
        raise ValueError(f"payable {payable.id} changed meanwhile")
    payable.amount_due = due
    return payable
