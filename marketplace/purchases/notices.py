"""Telling a purchase's resident, and its merchant's owner, that it changed: the same two notices
for every kind, sent inside the change's transaction (`notices.atomic`), so a rolled-back change
tells nobody. What they say is the kind's (texts from the catalogs)."""

from __future__ import annotations

from typing import Any

from listings.models import Listing, Merchant
from marketplace.accounts.models import Account
from marketplace.notices.services import notify

Texts = dict[str, str]


async def tell_parties(
    purchase: Any,
    listing: Listing,
    event: str,
    resident: tuple[Texts, Texts | None, str],
    merchant: tuple[Texts, str] | None = None,
) -> None:
    """`resident` is (title, body or None, link) for the resident, notice kind `event`;
    `merchant` (title, link) for the merchant's owner, notice kind `merchant_<event>`."""
    title, body, link = resident
    account = await Account.get(id=purchase.resident_id)
    await notify(account, event, title, body, link)
    if merchant is None:
        return
    owner_of = await Merchant.get(id=listing.merchant_id)  # type: ignore[attr-defined]
    owner = await Account.get_or_none(id=owner_of.owner_id)  # type: ignore[attr-defined]
    if owner is not None:
        merchant_title, merchant_link = merchant
        await notify(
            owner,
            f"merchant_{event}",
            merchant_title,
            None,
            merchant_link,
            merchant_id=owner_of.id,
        )
