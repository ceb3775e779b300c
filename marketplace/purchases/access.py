"""Finding a purchase for the person asking: its resident, or the staff of its merchant.

Anybody else's purchase is simply not found (the same answer as an id that does not exist), so
ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from listings.models import Listing
from listings.permissions import is_staff_of
from marketplace.accounts.models import Account
from marketplace.lifecycle import ActorRole
from marketplace.purchases.kinds import PurchaseKind


async def is_merchants(merchant: Account, purchase: Any) -> bool:
    """Whether `merchant` is staff of the merchant whose listing `purchase` is with."""
    listing = await Listing.get(id=purchase.listing_id)
    return await is_staff_of(merchant, listing.merchant_id)  # type: ignore[attr-defined]


async def role_of(kind: PurchaseKind, actor: Account, purchase: Any) -> ActorRole:
    """How `actor` relates to `purchase`; raises the kind's not-found error for a stranger."""
    if purchase.resident_id == actor.id:
        return ActorRole.RESIDENT
    if await is_merchants(actor, purchase):
        return ActorRole.MERCHANT
    raise kind.not_found_error()


async def get_purchase(
    kind: PurchaseKind, actor: Account, purchase_id: int
) -> tuple[Any, ActorRole]:
    purchase = await kind.model.get_or_none(id=purchase_id)
    if purchase is None:
        raise kind.not_found_error()
    return purchase, await role_of(kind, actor, purchase)


async def get_as_resident(kind: PurchaseKind, resident: Account, purchase_id: int) -> Any:
    """The resident's own purchase; the merchant's staff get not-found (a resident's verb)."""
    purchase, role = await get_purchase(kind, resident, purchase_id)
    if role is not ActorRole.RESIDENT:
        raise kind.not_found_error()
    return purchase
