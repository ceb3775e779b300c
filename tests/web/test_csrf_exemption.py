"""The CSRF exemption is Stripe's webhook path alone, matched exactly.

A signed-in route placed under /api/v1/payments/ (a wallet top-up, say) or /webhooks/ keeps the
check; the webhook, which authenticates by signature, answers without a token even when the
request happens to carry a signed-in session cookie.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from marketplace.app import CSRF_EXEMPT_PATHS
from payments.stripe_provider import StripeProvider
from tests.support import stripe_events as se
from tests.support.stripe_recorder import StripeRecorder
from tests.web.conftest import api_signup, client_for
from web.routes.payments_webhook import PATH as WEBHOOK

SECRET = "whsec_csrf_test_secret"
TOP_UP = "/api/v1/payments/wallet/top-up"
CALLBACK = "/webhooks/other"


async def _accepted(request: Request) -> JSONResponse:
    return JSONResponse({"accepted": True})


@pytest.fixture
def app(make_app) -> Starlette:
    app = make_app(stripe_secret_key="sk_test_csrf", stripe_webhook_secret=SECRET)
    app.state.stripe_webhook_provider = StripeProvider(
        "sk_test_csrf", SECRET, http_client=StripeRecorder()
    )
    # signed-in routes next to the webhook, as a wallet or another callback would be mounted
    app.router.routes.append(Route(TOP_UP, _accepted, methods=["POST"]))
    app.router.routes.append(Route(CALLBACK, _accepted, methods=["POST"]))
    return app


@pytest.fixture
async def signed_in(app: Starlette) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client signed in by cookie, and its session's CSRF token."""
    async with client_for(app) as client:
        response = await api_signup(client)
        assert response.status_code == 201, response.text
        yield client, response.json()["csrf_token"]


def test_the_exemption_is_the_webhook_path_alone() -> None:
    assert CSRF_EXEMPT_PATHS == {WEBHOOK}


@pytest.mark.parametrize("path", [TOP_UP, WEBHOOK + "/", WEBHOOK + "/again"])
async def test_a_signed_in_api_post_beside_the_webhook_needs_the_token(
    db: str, signed_in: tuple[httpx.AsyncClient, str], path: str
) -> None:
    client, _ = signed_in

    refused = await client.post(path, json={"amount": 5000})

    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")


@pytest.mark.parametrize("path", [TOP_UP, CALLBACK])
async def test_with_the_token_a_route_beside_the_webhook_answers(
    db: str, signed_in: tuple[httpx.AsyncClient, str], path: str
) -> None:
    client, token = signed_in

    allowed = await client.post(path, json={"amount": 5000}, headers={"X-CSRF-Token": token})

    assert (allowed.status_code, allowed.json()) == (200, {"accepted": True})


async def test_a_post_under_webhooks_is_no_longer_exempt(
    db: str, signed_in: tuple[httpx.AsyncClient, str]
) -> None:
    client, _ = signed_in

    refused = await client.post(CALLBACK, json={"amount": 5000})

    assert refused.status_code == 403  # a page, not the API's JSON: /webhooks/ is not /api/
    assert (await client.post(CALLBACK, data={"amount": "5000"})).status_code == 403


async def test_the_webhook_needs_no_token_even_beside_a_signed_in_session(
    db: str, signed_in: tuple[httpx.AsyncClient, str]
) -> None:
    client, _ = signed_in
    obj = se.account("acct_1Unknown", charges=True, payouts=True)
    raw, headers = se.delivery(se.event("account.updated", obj, account="acct_1Unknown"), SECRET)

    response = await client.post(WEBHOOK, content=raw, headers=headers)

    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")


async def test_the_webhook_is_still_refused_without_a_valid_signature(
    db: str, signed_in: tuple[httpx.AsyncClient, str]
) -> None:
    client, _ = signed_in
    obj = se.account("acct_1Unknown", charges=True, payouts=True)
    raw, headers = se.delivery(se.event("account.updated", obj), "whsec_someone_else")

    response = await client.post(WEBHOOK, content=raw, headers=headers)

    assert response.status_code == 400
