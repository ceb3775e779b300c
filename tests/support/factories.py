"""Small builders for rows the tests need; each writes through the models, nothing more."""

from __future__ import annotations

import itertools

from geo.coords import LatLng
from listings.models import Listing, Merchant
from listings.types import ListingStatus, MerchantStatus, Vertical
from marketplace.accounts.models import Account

_numbers = itertools.count(1)


async def make_account(**fields: object) -> Account:
    n = next(_numbers)
    values: dict[str, object] = {
        "email": f"person{n}@example.test",
        "password_hash": "$argon2id$not-a-real-hash",
        "display_name": f"Person {n}",
        "locale": "zh-CN",
    }
    values.update(fields)
    return await Account.create(**values)


async def make_merchant(**fields: object) -> Merchant:
    owner = fields.pop("owner", None) or await make_account()
    values: dict[str, object] = {
        "name": {"zh-CN": "测试商户", "en": "Test merchant"},
        "status": MerchantStatus.APPROVED,
        "owner": owner,
    }
    values.update(fields)
    return await Merchant.create(**values)


async def make_listing(at: LatLng, merchant: Merchant | None = None, **fields: object) -> Listing:
    values: dict[str, object] = {
        "merchant": merchant or await make_merchant(),
        "vertical": Vertical.RESTAURANT,
        "category": "noodles",
        "name": {"zh-CN": "测试面馆", "en": "Test noodles"},
        "location": at.to_point(),
        "status": ListingStatus.PUBLISHED,
    }
    values.update(fields)
    return await Listing.create(**values)
