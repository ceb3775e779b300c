"""Codes unique across every kind of purchase: drawn for a new purchase, claimed in the
`purchase_codes` table in the transaction that creates it, and found again by one look-up."""

from __future__ import annotations

from typing import Any

from marketplace import codes
from marketplace.purchases.kinds import PurchaseKind, kind_named
from marketplace.purchases.models import PurchaseCode


def draw() -> str:
    """A fresh random code; whether another purchase has it is the claim's to find out."""
    return codes.new_code()


async def claim(kind: PurchaseKind, purchase: Any) -> None:
    """Record `purchase`'s code; IntegrityError when any purchase of any kind has it already
    (the creation's transaction then rolls back and draws again)."""
    await PurchaseCode.create(code=purchase.code, kind=kind.name, ref_id=purchase.id)


async def find(code: str) -> tuple[PurchaseKind, Any] | None:
    """The purchase with this canonical code, of whatever kind, or None."""
    row = await PurchaseCode.get_or_none(code=code)
    if row is None:
        return None
    kind = kind_named(row.kind)
    purchase = await kind.model.get_or_none(id=row.ref_id)
    return None if purchase is None else (kind, purchase)
