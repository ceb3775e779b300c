"""What merchants are told about decisions on their business and listings, in Chinese and English.

Notices keep both texts; the reader's locale picks one (other Chinese and English locales fall
back by language).
"""

from __future__ import annotations

from collections.abc import Mapping

from listings.models import Listing, Merchant
from marketplace.accounts.models import Account
from marketplace.notices.models import Notice
from marketplace.notices.services import notify

MERCHANT_LINK = "/merchant"


def _name(names: Mapping[str, str], language: str) -> str:
    exact = next((t for tag, t in names.items() if tag.split("-")[0] == language), None)
    return exact or next(iter(names.values()), "")


async def approved(owner: Account, merchant: Merchant) -> Notice:
    zh, en = _name(merchant.name, "zh"), _name(merchant.name, "en")
    return await notify(
        owner,
        "merchant_approved",
        {"zh-CN": f"「{zh}」的入驻申请已通过", "en": f"{en} is approved"},
        {
            "zh-CN": "现在可以发布店铺、添加商品和服务了。",
            "en": "You can now publish listings and add what you offer.",
        },
        MERCHANT_LINK,
        merchant_id=merchant.id,
    )


async def rejected(owner: Account, merchant: Merchant, reason: str) -> Notice:
    zh, en = _name(merchant.name, "zh"), _name(merchant.name, "en")
    return await notify(
        owner,
        "merchant_rejected",
        {"zh-CN": f"「{zh}」的入驻申请未通过", "en": f"The application for {en} was not approved"},
        {
            "zh-CN": f"原因：{reason}\n修改后可以重新申请。",
            "en": f"Reason: {reason}\nYou may apply again once this is addressed.",
        },
        MERCHANT_LINK,
        merchant_id=merchant.id,
    )


async def suspended(owner: Account, merchant: Merchant, reason: str) -> Notice:
    zh, en = _name(merchant.name, "zh"), _name(merchant.name, "en")
    return await notify(
        owner,
        "merchant_suspended",
        {"zh-CN": f"「{zh}」已被暂停营业", "en": f"{en} is suspended"},
        {
            "zh-CN": f"原因：{reason}\n您的店铺已暂时下架。",
            "en": f"Reason: {reason}\nYour listings are hidden for now.",
        },
        MERCHANT_LINK,
        merchant_id=merchant.id,
    )


async def staff_joined(owner: Account, merchant: Merchant, member: Account) -> Notice:
    zh, en = _name(merchant.name, "zh"), _name(merchant.name, "en")
    who = member.display_name
    return await notify(
        owner,
        "staff_joined",
        {"zh-CN": f"{who} 已加入「{zh}」", "en": f"{who} joined {en}"},
        {},
        f"{MERCHANT_LINK}/staff",
        merchant_id=merchant.id,
    )


async def listing_hidden(owner: Account, listing: Listing, reason: str) -> Notice:
    zh, en = _name(listing.name, "zh"), _name(listing.name, "en")
    return await notify(
        owner,
        "listing_hidden",
        {"zh-CN": f"「{zh}」已被平台下架", "en": f"{en} was hidden by the platform"},
        {"zh-CN": f"原因：{reason}", "en": f"Reason: {reason}"},
        f"{MERCHANT_LINK}/listings/{listing.id}",
        merchant_id=listing.merchant_id,  # type: ignore[attr-defined]
    )
