"""我的 leads a resident to list a business and a merchant to the merchant centre."""

from __future__ import annotations

from starlette.applications import Starlette

from marketplace.accounts.models import Account
from marketplace.city import City
from tests.web.conftest import client_for
from tests.web.merchant_helpers import account, approved_merchant, signed_in


async def test_me_links_to_apply_then_to_the_merchant_centre(
    app: Starlette, city: City, operator: Account
) -> None:
    owner = await account("owner@example.test")
    async with client_for(app) as client:
        await signed_in(client, owner)
        page = (await client.get("/me")).text
        assert 'href="/merchant/apply"' in page and "商家入驻" in page
        await approved_merchant(city, owner, operator)
        page = (await client.get("/me")).text
        assert 'href="/merchant"' in page and "商家中心" in page
        assert 'href="/merchant/apply"' not in page
