"""What a page, an answer or a script shows of a payable: its lines as priced, the amount due,
what its tenders have paid and what has been given back. One read path for every reader, so
nobody outside the pricing step adds amounts up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.functions import Sum

from payments.models import Payable, PayableLine, Payment
from payments.pricing import Line
from payments.types import PAID, FundedBy, LineKind


@dataclass(frozen=True)
class PayableView:
    reference: str
    currency: str
    amount_due: int
    lines: tuple[Line, ...]
    paid: int  # what the tenders have taken
    refunded: int  # what has been given back of it

    def total(self, kind: LineKind) -> int:
        return sum(line.amount for line in self.lines if line.kind is kind)


async def views(kind: str, ref_ids: Iterable[int]) -> dict[int, PayableView]:
    """The payables of the purchases of `kind` numbered `ref_ids`, by number; three queries
    however many there are."""
    ids = list(dict.fromkeys(ref_ids))
    if not ids:
        return {}
    payables = await Payable.filter(kind=kind, ref_id__in=ids)
    by_id = {p.id: p for p in payables}
    if not by_id:
        return {}
    lines: dict[int, list[Line]] = {pid: [] for pid in by_id}
    for row in await PayableLine.filter(payable_id__in=list(by_id)).order_by(
        "payable_id", "position"
    ):
        lines[row.payable_id].append(  # type: ignore[attr-defined]
            Line(
                LineKind(row.kind),
                dict(row.label or {}),
                row.quantity,
                row.unit_amount,
                row.amount,
                FundedBy(row.funded_by),
                row.ref,
            )
        )
    taken = (
        await Payment.filter(payable_id__in=list(by_id), state__in=list(PAID))
        .group_by("payable_id")
        .annotate(paid=Sum("amount"), back=Sum("refunded_amount"))
        .values("payable_id", "paid", "back")
    )
    money = {row["payable_id"]: (int(row["paid"] or 0), int(row["back"] or 0)) for row in taken}
    return {
        p.ref_id: PayableView(
            p.reference,
            p.currency,
            p.amount_due,
            tuple(lines[p.id]),
            *money.get(p.id, (0, 0)),
        )
        for p in payables
    }


async def view(kind: str, ref_id: int) -> PayableView | None:
    """The payable of one purchase, or None when it has none."""
    return (await views(kind, [ref_id])).get(ref_id)
