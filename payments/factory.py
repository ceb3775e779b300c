"""Which payment provider serves a city: named in its `[payments]` table, usable when this
process has what it needs (Stripe: `STRIPE_SECRET_KEY`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payments.errors import ProviderNotAvailable
from payments.interfaces import PaymentProvider
from payments.pay_at_store import PROVIDER_NAME as PAY_AT_STORE
from payments.pay_at_store import PayAtStoreProvider

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings


def provider_for(city: City, settings: Settings, name: str | None = None) -> PaymentProvider:
    """The provider `name` (default: the city's default provider), or a clear error."""
    name = name or city.payments.default_provider
    if name not in city.payments.providers:
        offered = ", ".join(city.payments.providers)
        raise ProviderNotAvailable(f"{city.slug} does not offer {name!r}; it offers {offered}")
    if name == PAY_AT_STORE:
        return PayAtStoreProvider()
    if name == "stripe":
        if not (settings.stripe_secret_key and settings.stripe_webhook_secret):
            missing = (
                "STRIPE_SECRET_KEY" if not settings.stripe_secret_key else "STRIPE_WEBHOOK_SECRET"
            )
            raise ProviderNotAvailable(
                f"stripe: {missing} is not set; set both STRIPE_SECRET_KEY and "
                "STRIPE_WEBHOOK_SECRET (payments are confirmed by signed webhooks) or use "
                "pay_at_store"
            )
        from payments.stripe_provider import StripeProvider  # only a process with keys needs it

        return StripeProvider(settings.stripe_secret_key, settings.stripe_webhook_secret)  # type: ignore[return-value]
    raise ProviderNotAvailable(f"unknown payment provider {name!r}")


def available_providers(city: City, settings: Settings) -> list[str]:
    """The city's providers this process can use, in the city's order."""
    usable = []
    for name in city.payments.providers:
        if name == "stripe" and not (settings.stripe_secret_key and settings.stripe_webhook_secret):
            continue
        usable.append(name)
    return usable
