"""Starting a payment for a held purchase of any registered kind.

Nothing moves money here: we record the attempt (a tender of what is left to pay, its
idempotency key derived from our ids, its split computed once), ask the provider for a Checkout
Session or PaymentIntent outside any transaction, then mark the purchase pending. If the provider
cannot be reached the purchase stays as it was, and the retry finds the same attempt and sends
the same key, so the provider never makes two. Choosing a provider that is not online (pay at
store) confirms the purchase with payment due at the merchant, through its kind's adapter.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from listings.models import Listing
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.notices.services import atomic
from payments import purchase_kinds
from payments.errors import (
    AlreadyPaid,
    MerchantCannotTakePayments,
    NotPayable,
    PayableNotFound,
    ProviderNotAvailable,
)
from payments.factory import available_providers
from payments.interfaces import (
    Payable as ProviderPayable,
)
from payments.interfaces import (
    PaymentError,
    PaymentProvider,
    ReturnUrls,
    StartedPayment,
)
from payments.keys import payment_key
from payments.models import MerchantPayoutAccount, Payable, Payment
from payments.payables import payable_of
from payments.purchase_kinds import Purchase, PurchaseKind
from payments.tenders import create_tender, paid_so_far
from payments.types import PaymentState

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings

log = logging.getLogger("taocity.payments")


async def merchant_can_take_online_payments(merchant_id: int, provider: str = "stripe") -> bool:
    """Whether the merchant's account at the provider may take charges."""
    account = await MerchantPayoutAccount.get_or_none(merchant_id=merchant_id, provider=provider)
    return account is not None and account.charges_enabled


async def online_payment_offered(city: City, settings: Settings, listing_id: int) -> bool:
    """Whether a resident buying from this listing may pay online: the city offers Stripe, this
    process has its key, and the merchant's account can take charges."""
    if "stripe" not in available_providers(city, settings):
        return False
    listing = await Listing.get_or_none(id=listing_id).only("id", "merchant_id")
    if listing is None:
        return False
    return await merchant_can_take_online_payments(listing.merchant_id)  # type: ignore[attr-defined]


async def start_payment(
    city: City,
    provider: PaymentProvider,
    resident: Account,
    kind: str,
    ref_id: int,
    urls: ReturnUrls,
    *,
    now: datetime | None = None,
) -> StartedPayment:
    """Where to send the resident to pay (a redirect URL or a client secret); never HTML."""
    now = now or clock.now()
    adapter, purchase = await purchase_kinds.load(str(kind), ref_id)
    if purchase.resident_id != resident.id:
        log.warning("account %d tried to pay %s-%d, not theirs", resident.id, kind, ref_id)
        raise PayableNotFound(f"No such {adapter.name}.")  # somebody else's: not told
    if provider.name not in city.payments.providers:
        raise ProviderNotAvailable(f"{city.slug} does not offer {provider.name!r}")
    payable = await payable_of(adapter.name, ref_id)
    if not provider.online:
        await adapter.confirm_at_store(city, resident, purchase, now)
        return StartedPayment(provider=provider.name, provider_ref=f"store:{payable.reference}")
    _check_payable(city, adapter, purchase, payable, now)
    account = await MerchantPayoutAccount.get_or_none(
        merchant_id=purchase.merchant_id, provider=provider.name
    )
    if account is None or not account.charges_enabled:
        raise MerchantCannotTakePayments("this merchant cannot take online payments yet")
    payment = await _attempt(city, provider.name, payable)
    shown = ProviderPayable(
        kind=payable.kind,
        id=payable.ref_id,
        amount=payment.amount,
        currency=payment.currency,
        application_fee=payment.application_fee,
        merchant_account=account.account_id,
        description=purchase.description(resident.locale or "zh-CN"),
        resident_email=resident.email,
    )
    try:
        started = await provider.start_payment(
            shown,
            idempotency_key=payment.idempotency_key,
            urls=urls,
            methods=city.payments.stripe_methods,
        )
    except PaymentError as exc:
        log.warning("starting %s failed (%s): %s", payment.idempotency_key, exc.code, exc)
        raise
    async with atomic():
        await Payment.filter(id=payment.id, provider_ref=None).update(
            provider_ref=started.provider_ref, updated_at=now
        )
        _, purchase = await purchase_kinds.load(adapter.name, ref_id)
        await adapter.mark_pending(city, purchase, now)
    return started


def _check_payable(
    city: City, adapter: PurchaseKind, purchase: Purchase, payable: Payable, now: datetime
) -> None:
    what = adapter.name
    if not adapter.payable(purchase):
        raise NotPayable(f"this {what} is {purchase.state}; there is nothing to pay")
    expires = purchase.hold_expires_at
    if expires is not None and expires <= now:
        raise NotPayable(f"this {what}'s hold has expired and its place was released; start again")
    if payable.amount_due <= 0:
        raise NotPayable(f"this {what} costs nothing; confirm it without paying")
    if payable.currency != city.currency:
        raise NotPayable(f"this {what} is in {payable.currency}, not {city.currency}")


async def _attempt(city: City, provider: str, payable: Payable) -> Payment:
    """The open attempt to pay with `provider` (a retry), or a new tender for what is left."""
    attempts = Payment.filter(payable_id=payable.id)
    open_one = (
        await attempts.filter(provider=provider, state=PaymentState.STARTED)
        .order_by("-attempt")
        .first()
    )
    if open_one is not None:
        return open_one
    left = payable.amount_due - await paid_so_far(payable)
    if left <= 0:
        raise AlreadyPaid(f"this {payable.kind} is already paid")
    last = await attempts.order_by("-attempt").first()
    number = 1 if last is None else last.attempt + 1
    key = payment_key(payable.kind, payable.ref_id, number)
    try:
        return await create_tender(
            city,
            payable,
            provider=provider,
            attempt=number,
            amount=left,
            state=PaymentState.STARTED,
            idempotency_key=key,
        )
    except IntegrityError:  # the same attempt started by a concurrent click
        return await Payment.get(idempotency_key=key)
