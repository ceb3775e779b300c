"""A merchant's payout account at the provider (Stripe Connect): made once, then onboarded.

The connected account is created the first time the owner asks (with an idempotency key derived
from the merchant, so a double click or a retry after a timeout makes one account) and recorded
in `MerchantPayoutAccount`; every later visit only asks for a fresh onboarding link, which
expires within minutes. Returning from the provider's pages says nothing about whether the
merchant finished, so the return page re-reads the account's state (`refresh_status`); later
changes arrive as `account.updated` events (`payments.events`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from tortoise.exceptions import IntegrityError

from listings.permissions import Action, allowed, is_staff_of, require
from marketplace.accounts.models import Account
from marketplace.errors import PermissionDenied
from payments.models import MerchantPayoutAccount
from payments.stripe_onboarding import AccountState


class PayoutStatus(StrEnum):
    NOT_CONNECTED = "not_connected"
    INCOMPLETE = "incomplete"  # the account exists; onboarding is not finished
    CHARGES_ENABLED = "charges_enabled"  # can take payments; payouts not yet
    PAYOUTS_ENABLED = "payouts_enabled"  # takes payments and is paid out


class OnboardingProvider(Protocol):
    name: str

    async def create_account(
        self, merchant_id: int, *, email: str | None, country: str, idempotency_key: str
    ) -> str: ...

    async def onboarding_link(self, account: str, *, refresh_url: str, return_url: str) -> str: ...

    async def account_state(self, account: str) -> AccountState: ...


def status_of(account: MerchantPayoutAccount | None) -> PayoutStatus:
    if account is None:
        return PayoutStatus.NOT_CONNECTED
    if account.charges_enabled and account.payouts_enabled:
        return PayoutStatus.PAYOUTS_ENABLED
    if account.charges_enabled:
        return PayoutStatus.CHARGES_ENABLED
    return PayoutStatus.INCOMPLETE


def account_key(merchant_id: int) -> str:
    return f"merchant-{merchant_id}-payout-account"


async def payout_account(actor: Account, merchant_id: int) -> MerchantPayoutAccount | None:
    """The merchant's payout account, for its own people and operators."""
    operator = await allowed(actor, Action.REVIEW_MERCHANT, None)
    if not operator and not await is_staff_of(actor, merchant_id):
        raise PermissionDenied("not allowed to read this merchant's payouts")
    return await MerchantPayoutAccount.get_or_none(merchant_id=merchant_id)


async def start_onboarding(
    provider: OnboardingProvider,
    owner: Account,
    merchant_id: int,
    *,
    email: str | None,
    country: str,
    refresh_url: str,
    return_url: str,
) -> str:
    """Where to send the owner to finish onboarding; creates the connected account once."""
    await require(owner, Action.MANAGE_STAFF, merchant_id)
    account = await MerchantPayoutAccount.get_or_none(merchant_id=merchant_id)
    if account is None:
        account_id = await provider.create_account(
            merchant_id, email=email, country=country, idempotency_key=account_key(merchant_id)
        )
        try:
            account = await MerchantPayoutAccount.create(
                merchant_id=merchant_id, provider=provider.name, account_id=account_id
            )
        except IntegrityError:  # recorded by a concurrent click with the same key
            account = await MerchantPayoutAccount.get(merchant_id=merchant_id)
    return await provider.onboarding_link(
        account.account_id, refresh_url=refresh_url, return_url=return_url
    )


async def refresh_status(
    provider: OnboardingProvider, actor: Account, merchant_id: int
) -> MerchantPayoutAccount | None:
    """Read the account's state at the provider now and keep it."""
    account = await payout_account(actor, merchant_id)
    if account is None:
        return None
    state = await provider.account_state(account.account_id)
    account.charges_enabled = state.charges_enabled
    account.payouts_enabled = state.payouts_enabled
    account.details_submitted = state.details_submitted
    await account.save(update_fields=["charges_enabled", "payouts_enabled", "details_submitted"])
    return account
