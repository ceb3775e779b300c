"""The one pricing step: what is bought (items and fees) and the price changes applied to it
(adjustments, each saying who funds it) become a payable's lines and its amount due.

Nothing else computes an amount: a purchase keeps a copy of `amount_due`, pages show the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from payments.types import FundedBy, LineKind


@dataclass(frozen=True)
class Item:
    """Something bought (or a charge such as delivery, with kind FEE)."""

    label: dict[str, str]  # per locale
    quantity: int
    unit_amount: int  # minor units
    ref: str | None = None  # "offering:12"
    kind: LineKind = LineKind.ITEM


@dataclass(frozen=True)
class Adjustment:
    """A price change: negative for a discount. Whoever funds it bears it in the split."""

    label: dict[str, str]
    amount: int
    funded_by: FundedBy
    ref: str | None = None  # "coupon:3", "points:9"


@dataclass(frozen=True)
class Line:
    kind: LineKind
    label: dict[str, str]
    quantity: int
    unit_amount: int
    amount: int
    funded_by: FundedBy
    ref: str | None


@dataclass(frozen=True)
class Priced:
    lines: tuple[Line, ...]
    amount_due: int

    def total(self, kind: LineKind) -> int:
        return sum(line.amount for line in self.lines if line.kind is kind)


def price(items: Sequence[Item], adjustments: Sequence[Adjustment] = ()) -> Priced:
    """Lines in the order given (items and fees, then adjustments) and what they add up to."""
    lines: list[Line] = []
    for item in items:
        if item.quantity <= 0 or item.unit_amount < 0:
            raise ValueError(f"an item needs a positive quantity and a price: {item}")
        if item.kind is LineKind.ADJUSTMENT:
            raise ValueError("a price change is an Adjustment, not an Item")
        lines.append(
            Line(
                item.kind,
                dict(item.label),
                item.quantity,
                item.unit_amount,
                item.quantity * item.unit_amount,
                FundedBy.NONE,
                item.ref,
            )
        )
    for adj in adjustments:
        if adj.funded_by is FundedBy.NONE:
            raise ValueError("an adjustment must say who funds it (platform or merchant)")
        lines.append(
            Line(
                LineKind.ADJUSTMENT,
                dict(adj.label),
                1,
                adj.amount,
                adj.amount,
                adj.funded_by,
                adj.ref,
            )
        )
    due = sum(line.amount for line in lines)
    if due < 0:
        raise ValueError(f"price changes exceed what is bought: {due}")
    return Priced(tuple(lines), due)
