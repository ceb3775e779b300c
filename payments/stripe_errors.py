"""Stripe's exceptions translated into ours, with messages safe to show and to log.

Unreachable or overloaded (a connection error, a timeout, a 429, a 5xx) is `ProviderUnavailable`:
nothing was created that a retry with the same idempotency key would not find again. A refusal
(a declined card, an invalid request, an idempotency key reused with other parameters) is
`PaymentError` with Stripe's own message. Credential problems get a fixed message: Stripe's text
for them quotes part of the key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import stripe

from payments.interfaces import PaymentError, ProviderUnavailable

log = logging.getLogger(__name__)


@contextmanager
def stripe_errors(action: str) -> Iterator[None]:
    """Run a Stripe call; `action` says what we were doing ("start the payment")."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        log.warning("stripe unavailable while trying to %s: %s", action, type(exc).__name__)
        raise ProviderUnavailable(
            f"Stripe could not be reached to {action}. Nothing was charged; please try again "
            "in a moment."
        ) from exc
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:
        log.error("stripe refused the platform's credentials while trying to %s", action)
        raise PaymentError(
            f"Stripe refused the platform's credentials; could not {action}."
        ) from exc
    except stripe.StripeError as exc:
        message = exc.user_message or f"Stripe refused to {action}."
        raise PaymentError(message) from exc
