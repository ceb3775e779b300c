"""Starting an online payment for a held booking or order.

Nothing moves money here: we record the attempt (its idempotency key is derived from our ids),
ask the provider for a Checkout Session or PaymentIntent outside any transaction, then mark the
booking or order pending. If the provider cannot be reached the booking or order stays as it
was, and the retry finds the same attempt and sends the same key, so the provider never makes two.
Choosing a provider that is not online (pay at store) confirms with payment due at the merchant.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from listings.models import Listing
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.services import confirm_booking
from marketplace.bookings.types import PaymentMode
from marketplace.notices.services import atomic
from marketplace.orders.services import confirm_order
from payments import payables
from payments.commission import fee_for
from payments.errors import (
    AlreadyPaid,
    MerchantCannotTakePayments,
    NotPayable,
    PayableNotFound,
    ProviderNotAvailable,
)
from payments.factory import available_providers
from payments.interfaces import (
    Payable,
    PayableKind,
    PaymentError,
    PaymentProvider,
    ReturnUrls,
    StartedPayment,
)
from payments.keys import payment_key
from payments.models import MerchantPayoutAccount, Payment
from payments.payables import HELD, PENDING, Target
from payments.split import split, whole_amount
from payments.split_store import store_split
from payments.types import PAID, PaymentState

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings

log = logging.getLogger("taocity.payments")


async def merchant_can_take_online_payments(merchant_id: int, provider: str = "stripe") -> bool:
    """Whether the merchant's account at the provider may take charges."""
    account = await MerchantPayoutAccount.get_or_none(merchant_id=merchant_id, provider=provider)
    return account is not None and account.charges_enabled


async def online_payment_offered(city: City, settings: Settings, listing_id: int) -> bool:
    """Whether a resident booking or ordering from this listing may pay online: the city offers
    Stripe, this process has its key, and the merchant's account can take charges."""
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
    kind: PayableKind | str,
    payable_id: int,
    urls: ReturnUrls,
    *,
    now: datetime | None = None,
) -> StartedPayment:
    """Where to send the resident to pay (a redirect URL or a client secret); never HTML."""
    now = now or clock.now()
    target = await payables.load(kind, payable_id)
    if target.resident_id != resident.id:
        log.warning("account %d tried to pay %s, not theirs", resident.id, target.key)
        raise PayableNotFound(f"No such {target.kind.value}.")  # somebody else's: not told
    if provider.name not in city.payments.providers:
        raise ProviderNotAvailable(f"{city.slug} does not offer {provider.name!r}")
    if not provider.online:
        return await _pay_at_store(city, provider, resident, target, now)
    _check_payable(city, target, now)
    account = await MerchantPayoutAccount.get_or_none(
        merchant_id=target.merchant_id, provider=provider.name
    )
    if account is None or not account.charges_enabled:
        raise MerchantCannotTakePayments("this merchant cannot take online payments yet")
    payment = await _attempt(city, provider.name, target)
    payable = Payable(
        kind=target.kind,
        id=target.id,
        amount=payment.amount,
        currency=payment.currency,
        application_fee=payment.application_fee,
        merchant_account=account.account_id,
        description=target.description(resident.locale or "zh-CN"),
        resident_email=resident.email,
    )
    try:
        started = await provider.start_payment(
            payable,
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
        target = await payables.reload(target)
        if target.state == HELD:
            await payables.mark_pending(city, target, now)
    return started


def _check_payable(city: City, target: Target, now: datetime) -> None:
    what = target.kind.value
    if target.state not in (HELD, PENDING):
        raise NotPayable(f"this {what} is {target.state}; there is nothing to pay")
    if target.hold_expired(now):
        raise NotPayable(f"this {what}'s hold has expired and its place was released; start again")
    record = target.record
    if record.amount <= 0:
        raise NotPayable(f"this {what} costs nothing; confirm it without paying")
    if record.currency != city.currency:
        raise NotPayable(f"this {what} is in {record.currency}, not {city.currency}")


async def _attempt(city: City, provider: str, target: Target) -> Payment:
    """The open attempt to pay with `provider` (a retry), or a new one with the next number."""
    fk = (
        {"booking_id": target.id} if target.kind is PayableKind.BOOKING else {"order_id": target.id}
    )
    attempts = Payment.filter(kind=target.kind, **fk)
    open_one = (
        await attempts.filter(provider=provider, state=PaymentState.STARTED)
        .order_by("-attempt")
        .first()
    )
    if open_one is not None:
        return open_one
    if await attempts.filter(state__in=list(PAID)).exists():
        raise AlreadyPaid(f"this {target.kind.value} is already paid")
    last = await attempts.order_by("-attempt").first()
    number = 1 if last is None else last.attempt + 1
    key = payment_key(target.kind, target.id, number)
    amount = int(target.record.amount)
    try:
        payment = await Payment.create(
            kind=target.kind,
            resident_id=target.resident_id,
            merchant_id=target.merchant_id,
            provider=provider,
            attempt=number,
            amount=amount,
            currency=target.record.currency,
            application_fee=fee_for(city, target.vertical, amount),
            state=PaymentState.STARTED,
            idempotency_key=key,
            **fk,
        )
    except IntegrityError:  # the same attempt started by a concurrent click
        return await Payment.get(idempotency_key=key)
    percent = city.commission[target.vertical]
    shares = split(whole_amount(amount), merchant_id=target.merchant_id, percent=percent)
    await store_split(payment, shares)
    return payment


async def _pay_at_store(
    city: City, provider: PaymentProvider, resident: Account, target: Target, now: datetime
) -> StartedPayment:
    if target.kind is PayableKind.BOOKING:
        await confirm_booking(city, resident, target.id, PaymentMode.PAY_AT_STORE, now=now)
    else:
        await confirm_order(city, resident, target.id, PaymentMode.PAY_AT_STORE, now=now)
    return StartedPayment(
        provider=provider.name, provider_ref=f"store:{target.kind.value}:{target.id}"
    )
