"""Payables: whatever a resident pays for, opened with its priced lines in the same transaction
as the purchase's own row, and found again by (kind, ref_id) or by its reference "kind:id"."""

from __future__ import annotations

from payments.errors import PayableNotFound
from payments.models import Payable, PayableLine
from payments.pricing import Priced


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
