"""Who may change what among merchants and listings: the one place these rules live.

- a merchant's staff (its owner, or an account in MerchantStaff) manage that merchant's
  listings, offerings and photos, and nobody else's;
- operators approve merchants and may hide or restore any listing (they do not edit content);
- residents change nothing of merchants.
"""

from __future__ import annotations

from enum import StrEnum

from listings.models import Listing, Merchant, MerchantStaff
from marketplace.accounts import Role
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.errors import PermissionDenied


class Action(StrEnum):
    EDIT = "edit"  # content: names, hours, offerings, photos, service area
    PUBLISH = "publish"
    HIDE = "hide"  # take a listing off the public site (moderation or the merchant's choice)
    REVIEW_MERCHANT = "review_merchant"  # approve, reject, suspend
    MANAGE_STAFF = "manage_staff"


async def is_staff_of(account: Account, merchant_id: int) -> bool:
    if await Merchant.filter(id=merchant_id, owner_id=account.id).exists():
        return True
    return await MerchantStaff.filter(merchant_id=merchant_id, account_id=account.id).exists()


async def allowed(account: Account | None, action: Action, merchant_id: int | None) -> bool:
    if account is None or not account.is_active:
        return False
    operator = account.has_role(Role.OPERATOR)
    if action is Action.REVIEW_MERCHANT:
        return operator
    if action is Action.HIDE and operator:
        return True
    if merchant_id is None:
        return False
    if action is Action.MANAGE_STAFF:
        return await Merchant.filter(id=merchant_id, owner_id=account.id).exists()
    return await is_staff_of(account, merchant_id)


async def require(account: Account | None, action: Action, merchant_id: int | None) -> None:
    """Raise LoginRequired (401) for no account, PermissionDenied (403) for a wrong one."""
    if account is None:
        raise LoginRequired()
    if not await allowed(account, action, merchant_id):
        raise PermissionDenied(f"not allowed to {action.value} here")


async def require_for_listing(account: Account | None, action: Action, listing: Listing) -> None:
    await require(account, action, listing.merchant_id)  # type: ignore[attr-defined]
