"""Stripe Connect onboarding: an Express connected account per merchant and its Account Links.

The merchant finishes onboarding on Stripe's pages; Stripe then sends them to our return URL
(which reads `account_state`, since returning says nothing about whether they finished) and
reports every later change as `account.updated` (`charges_enabled`, `payouts_enabled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

from payments.stripe_errors import stripe_errors


@dataclass(frozen=True)
class AccountState:
    account: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool


async def create_account(
    client: stripe.StripeClient,
    merchant_id: int,
    *,
    email: str | None,
    country: str,
    idempotency_key: str,
) -> str:
    """An Express account that can take card payments and receive transfers."""
    params: dict[str, Any] = {
        "type": "express",
        "country": country.upper(),
        "capabilities": {
            "card_payments": {"requested": True},
            "transfers": {"requested": True},
        },
        "metadata": {"merchant_id": str(merchant_id)},
    }
    if email:
        params["email"] = email
    with stripe_errors("create the merchant's Stripe account"):
        account = await client.v1.accounts.create_async(
            params, {"idempotency_key": idempotency_key}
        )
    return account.id


async def onboarding_link(
    client: stripe.StripeClient, account: str, *, refresh_url: str, return_url: str
) -> str:
    """A single-use link to Stripe's onboarding. It expires within minutes, and Stripe sends the
    merchant to `refresh_url` for a new one when it has."""
    params: dict[str, Any] = {
        "account": account,
        "type": "account_onboarding",
        "refresh_url": refresh_url,
        "return_url": return_url,
    }
    with stripe_errors("open the merchant's Stripe onboarding"):
        link = await client.v1.account_links.create_async(params)
    return link.url


async def account_state(client: stripe.StripeClient, account: str) -> AccountState:
    with stripe_errors("read the merchant's Stripe account"):
        found = await client.v1.accounts.retrieve_async(account)
    return AccountState(
        account=found.id,
        charges_enabled=bool(found.charges_enabled),
        payouts_enabled=bool(found.payouts_enabled),
        details_submitted=bool(found.details_submitted),
    )
