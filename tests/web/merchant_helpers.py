"""Shared set-up of the merchant page and API tests: signed-in clients and approved merchants."""

from __future__ import annotations

import re
from typing import Any

import httpx

from listings import onboarding
from listings.models import Merchant
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.web.conftest import PASSWORD, api_login, csrf_token_from

LAT, LNG = 31.7782, 119.9516  # the old town, inside the city
OUT_LAT, OUT_LNG = 31.49, 120.31  # the next city east
APPLICATION: dict[str, Any] = {
    "name": {"zh-CN": "金牌家政", "en": "Golden Housekeeping"},
    "vertical": "housekeeping",
    "category": "cleaning",
    "address": {"zh-CN": "南大街1号", "en": "1 Nandajie"},
    "lat": LAT,
    "lng": LNG,
    "contact_name": "王阿姨",
    "contact_phone": "138 0000 0001",
}


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def account(identifier: str, name: str = "小王", locale: str = "zh-CN") -> Account:
    return await accounts.sign_up(identifier, PASSWORD, name, locale)


async def signed_in(client: httpx.AsyncClient, who: Account) -> str:
    """Sign `client` in as `who`; returns the CSRF token for forms and X-CSRF-Token."""
    client.cookies.clear()  # a fresh session: whoever was signed in before is gone
    response = await api_login(client, who.email or who.phone or "")
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]


async def form_token(client: httpx.AsyncClient, path: str = "/merchant/apply") -> str:
    return await csrf_token_from(client, path)


async def approved_merchant(
    city: City, owner: Account, operator: Account, **overrides: Any
) -> Merchant:
    merchant = await onboarding.apply(city, owner, **{**APPLICATION, **overrides})
    return await onboarding.approve(operator, merchant)
