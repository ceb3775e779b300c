"""The one interface every payment provider implements, and the vocabulary around it.

The lifecycle: `start_payment` creates the provider's side of a payment (a tender) for a held
purchase (a Checkout Session or a PaymentIntent) and returns where to send the resident (a
redirect URL) or what the browser needs (a client secret), never HTML; no money moves in it.
Money moves when the resident pays, and we learn it from a verified provider event
(`parse_event`), which is applied once per event id whatever order or how many times events
arrive. `refund` gives money back, fully or partly. Every call that creates something at the
provider carries an idempotency key derived from our own ids, so a retry after a timeout never
creates a second one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from marketplace.errors import MarketplaceError


@dataclass(frozen=True)
class Payable:
    """What is being paid for, as a provider needs to see it."""

    kind: str  # a registered purchase kind (payments.purchase_kinds)
    id: int  # the purchase's id in its own table
    amount: int  # minor units
    currency: str  # ISO 4217, the city's
    application_fee: int  # minor units kept by the platform (see payments.commission)
    merchant_account: str | None  # the merchant's connected account at the provider
    description: str  # what the resident sees on the payment page
    resident_email: str | None = None

    @property
    def reference(self) -> str:
        """Our id as the provider stores it in metadata, e.g. "booking:42"."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class StartedPayment:
    provider: str
    provider_ref: str  # the Checkout Session or PaymentIntent id
    redirect_url: str | None = None
    client_secret: str | None = None


class EventKind(StrEnum):
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    ACCOUNT_UPDATED = "account_updated"
    IGNORED = "ignored"  # a verified event we have no use for


@dataclass(frozen=True)
class ProviderEvent:
    """A verified event, translated from the provider's shape."""

    id: str  # the provider's event id: processed once
    kind: EventKind
    provider_ref: str | None = None  # the payment (intent/session) it is about
    reference: str | None = None  # our "booking:42" from the payment's metadata
    amount: int | None = None  # minor units
    currency: str | None = None  # ISO 4217, upper case
    refund_ref: str | None = None
    account: str | None = None  # a connected account id (account.updated)
    charges_enabled: bool | None = None
    payouts_enabled: bool | None = None
    raw_type: str = ""  # the provider's own event type, for logs


@dataclass(frozen=True)
class RefundResult:
    provider_ref: str
    succeeded: bool  # False: pending (asynchronous methods answer later by event)


@dataclass(frozen=True)
class Onboarding:
    account: str  # the connected account id
    url: str  # where the merchant completes onboarding (expires in minutes)


@dataclass(frozen=True)
class ReturnUrls:
    success: str
    cancel: str


class PaymentError(MarketplaceError):
    """The provider refused or could not be reached; nothing changed on our side."""

    code = "payment_error"
    status = 502


class ProviderUnavailable(PaymentError):
    code = "payment_provider_unavailable"
    status = 503


class InvalidEvent(MarketplaceError):
    """A webhook whose signature is bad or stale, or whose body is not an event."""

    code = "invalid_event"
    status = 400


class PaymentProvider(Protocol):
    # A tender's provider: a card through Stripe, pay at store, and later a wallet, stored value
    # or points (not online in the browser's sense, answering at once in `start_payment`).
    name: str
    supports_refunds: bool
    online: bool  # False for pay at store: nothing to start, the merchant records payment

    async def start_payment(
        self,
        payable: Payable,
        *,
        idempotency_key: str,
        urls: ReturnUrls,
        methods: Sequence[str],
    ) -> StartedPayment: ...

    def parse_event(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify and translate a webhook; raises InvalidEvent."""
        ...

    async def refund(
        self, provider_ref: str, amount: int, *, idempotency_key: str
    ) -> RefundResult: ...


class MerchantOnboardingProvider(Protocol):
    """Providers that pay merchants out (Stripe Connect) onboard them first."""

    async def create_account(
        self, merchant_id: int, *, email: str | None, country: str, idempotency_key: str
    ) -> str: ...

    async def onboarding_link(self, account: str, *, refresh_url: str, return_url: str) -> str: ...
