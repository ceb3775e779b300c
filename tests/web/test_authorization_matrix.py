"""Who may do what to a merchant's listing, over the JSON API: every role × action, exactly.

A merchant's staff change only that merchant's listings; only its owner invites staff;
operators read and hide any listing but write nothing of the merchant's; residents and other
merchants' staff change nothing. After each refusal the database is proven unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from listings import catalogue, onboarding
from listings.models import Listing, Merchant, MerchantInvite, Offering
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.support.catalogue_inputs import housekeeping_input, row_counts
from tests.web.merchant_helpers import account, approved_merchant, signed_in

API = "/api/v1"
ROLES = ("anonymous", "resident", "other_staff", "own_staff", "owner", "operator")
ACTIONS = ("read", "update", "publish", "hide", "add_offering", "invite")

# role -> the status each action must answer, in ACTIONS order
EXPECTED: dict[str, tuple[int, ...]] = {
    "anonymous": (401, 401, 401, 401, 401, 401),
    "resident": (403, 403, 403, 403, 403, 403),
    "other_staff": (403, 403, 403, 403, 403, 403),
    "own_staff": (200, 200, 200, 200, 201, 403),
    "owner": (200, 200, 200, 200, 201, 201),
    "operator": (200, 403, 403, 200, 403, 403),
}


@dataclass
class World:
    merchant: Merchant
    draft: Listing
    published: Listing
    people: dict[str, Account | None]


async def _listing(city: City, owner: Account, merchant: Merchant, publish: bool) -> Listing:
    values = housekeeping_input()
    values.pop("vertical")
    listing = await catalogue.create_listing(
        city, owner, merchant, vertical="housekeeping", **values
    )
    return await catalogue.publish(owner, listing) if publish else listing


async def _world(city: City, operator: Account) -> World:
    owner = await account("owner@example.com", "店主")
    merchant = await approved_merchant(city, owner, operator)
    staff = await account("staff@example.com", "店员")
    _invite, token = await onboarding.invite_staff(owner, merchant, "staff@example.com")
    await onboarding.accept_invite(staff, token)
    other_owner = await account("other@example.com", "别家店主")
    await approved_merchant(city, other_owner, operator, name={"zh-CN": "别家", "en": "Other"})
    return World(
        merchant=merchant,
        draft=await _listing(city, owner, merchant, publish=False),
        published=await _listing(city, owner, merchant, publish=True),
        people={
            "anonymous": None,
            "resident": await account("resident@example.com", "居民"),
            "other_staff": other_owner,
            "own_staff": staff,
            "owner": owner,
            "operator": operator,
        },
    )


def _request(world: World, action: str) -> tuple[str, str, dict[str, Any] | None]:
    draft, published = world.draft.id, world.published.id
    return {
        "read": ("GET", f"{API}/listings/{draft}", None),
        "update": (
            "PATCH",
            f"{API}/listings/{draft}",
            {"name": {"zh-CN": "改名", "en": "Renamed"}},
        ),
        "publish": ("POST", f"{API}/listings/{draft}/publish", None),
        "hide": ("POST", f"{API}/listings/{published}/hide", {"reason": "图片与服务不符"}),
        "add_offering": (
            "POST",
            f"{API}/listings/{draft}/offerings",
            {"name": {"zh-CN": "擦窗"}, "price": "80", "duration_min": 60},
        ),
        "invite": (
            "POST",
            f"{API}/merchants/{world.merchant.id}/invites",
            {"identifier": "newcomer@example.com"},
        ),
    }[action]


async def _state(world: World) -> dict[str, Any]:
    """Everything a refused request could have touched."""
    ids = [world.draft.id, world.published.id]
    return {
        "rows": await row_counts(),
        "listings": await Listing.filter(id__in=ids)
        .order_by("id")
        .values("id", "name", "status", "hidden_by_operator", "hidden_reason", "updated_at"),
        "offerings": await Offering.filter(listing_id__in=ids).order_by("id").values(),
        "invites": await MerchantInvite.filter(merchant_id=world.merchant.id).values("id"),
    }


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_exactly_its_answer_for_each_action(
    client: httpx.AsyncClient, city: City, operator: Account, role: str
) -> None:
    world = await _world(city, operator)
    actor = world.people[role]
    headers: dict[str, str] = {}
    if actor is not None:
        headers["X-CSRF-Token"] = await signed_in(client, actor)
    answers: dict[str, int] = {}
    for action, expected in zip(ACTIONS, EXPECTED[role], strict=True):
        before = await _state(world)
        method, path, body = _request(world, action)
        response = await client.request(method, path, json=body, headers=headers)
        answers[action] = response.status_code
        if expected >= 400:
            assert response.json()["code"] in ("login_required", "forbidden", "not_authenticated")
            assert await _state(world) == before, f"{role} {action} changed something"
    assert answers == dict(zip(ACTIONS, EXPECTED[role], strict=True))


async def test_allowed_actions_really_happen(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    world = await _world(city, operator)
    headers = {"X-CSRF-Token": await signed_in(client, operator)}
    method, path, body = _request(world, "hide")
    assert (await client.request(method, path, json=body, headers=headers)).status_code == 200
    hidden = await Listing.get(id=world.published.id)
    assert hidden.status == "hidden" and hidden.hidden_by_operator
    assert hidden.hidden_reason == "图片与服务不符"

    owner = world.people["owner"]
    assert owner is not None
    headers = {"X-CSRF-Token": await signed_in(client, owner)}
    for action in ("update", "publish", "add_offering", "invite"):
        method, path, body = _request(world, action)
        assert (await client.request(method, path, json=body, headers=headers)).status_code < 300
    draft = await Listing.get(id=world.draft.id)
    assert draft.name["zh-CN"] == "改名" and draft.status == "published"
    names = [o.name["zh-CN"] for o in await Offering.filter(listing_id=draft.id)]
    assert "擦窗" in names
    assert await MerchantInvite.filter(email="newcomer@example.com").count() == 1
    # the owner cannot undo an operator's hide: that stays the platform's decision
    restore = await client.post(f"{API}/listings/{world.published.id}/publish", headers=headers)
    assert restore.status_code == 409
