"""What a merchant's own people read: their merchants, a merchant's listings (drafts too),
offerings and open invitations.

Each read checks the reader through `listings.permissions` first, like the verbs do.
"""

from __future__ import annotations

from listings.errors import ListingNotFound
from listings.models import Listing, Merchant, MerchantInvite, MerchantStaff, Offering
from listings.permissions import Action, allowed, require
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.errors import NotFound, PermissionDenied


async def _may_read(actor: Account | None, merchant_id: int) -> None:
    # the merchant's own people, and operators (who review and moderate) may look
    if actor is None:
        raise LoginRequired()
    if await allowed(actor, Action.REVIEW_MERCHANT, None):
        return
    if not await allowed(actor, Action.EDIT, merchant_id):
        raise PermissionDenied("not allowed to read here")


async def merchants_of(account: Account) -> list[Merchant]:
    ids = await MerchantStaff.filter(account_id=account.id).values_list("merchant_id", flat=True)
    return await Merchant.filter(id__in=list(ids)).order_by("-created_at", "-id")


async def get_merchant(actor: Account | None, merchant_id: int) -> Merchant:
    if actor is None:
        raise LoginRequired()
    merchant = await Merchant.get_or_none(id=merchant_id)
    if merchant is None:
        raise NotFound("No such merchant.")
    await _may_read(actor, merchant.id)
    return merchant


async def listings_of(actor: Account | None, merchant: Merchant) -> list[Listing]:
    await _may_read(actor, merchant.id)
    return await Listing.filter(merchant_id=merchant.id).order_by("-updated_at", "-id")


async def get_listing(actor: Account | None, listing_id: int) -> Listing:
    if actor is None:
        raise LoginRequired()
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        raise ListingNotFound("No such listing.")
    await _may_read(actor, listing.merchant_id)  # type: ignore[attr-defined]
    return listing


async def merchant_of(listing: Listing) -> Merchant:
    return await Merchant.get(id=listing.merchant_id)  # type: ignore[attr-defined]


async def offerings_of(actor: Account | None, listing: Listing) -> list[Offering]:
    await _may_read(actor, listing.merchant_id)  # type: ignore[attr-defined]
    return await Offering.filter(listing_id=listing.id).order_by("sort_order", "id")


async def get_offering(actor: Account | None, listing: Listing, offering_id: int) -> Offering:
    await _may_read(actor, listing.merchant_id)  # type: ignore[attr-defined]
    offering = await Offering.get_or_none(id=offering_id, listing_id=listing.id)
    if offering is None:
        raise NotFound("No such item.")
    return offering


async def open_invites(actor: Account | None, merchant: Merchant) -> list[MerchantInvite]:
    await require(actor, Action.MANAGE_STAFF, merchant.id)
    return await MerchantInvite.filter(merchant_id=merchant.id, accepted_at=None).order_by("-id")


async def is_owner(actor: Account | None, merchant: Merchant) -> bool:
    return await allowed(actor, Action.MANAGE_STAFF, merchant.id)
