"""POST /api/v1/payments/stripe/webhook: Stripe's events, verified and applied once each.

The signature is checked against the raw body, so the body is read as bytes and handed over
untouched. This exact path is the one exemption from the CSRF check (`marketplace.app`): Stripe
sends no token, and the signature is what authenticates.

Answers: 200 for an applied, repeated, deferred or ignored event (Stripe stops resending);
400 for a bad or stale signature or a body that is not an event (`InvalidEvent`); 422 for a
verified event that does not match our records (`EventRefused`: nothing changed, Stripe resends
it for a while, which is harmless and shows in its dashboard); anything else is our fault and
Stripe retries it.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse

from payments import services
from payments.factory import provider_for
from payments.interfaces import PaymentProvider
from web.openapi import Operation, api_route

PATH = "/api/v1/payments/stripe/webhook"


class WebhookAnswer(BaseModel):
    received: bool
    outcome: str  # applied, already, deferred or ignored


def _stripe(request: Request) -> PaymentProvider:
    # one provider per app: it holds the HTTP client a refund made while applying would use
    state = request.app.state
    cached: PaymentProvider | None = getattr(state, "stripe_webhook_provider", None)
    if cached is None:
        cached = provider_for(state.city, state.settings, "stripe")
        state.stripe_webhook_provider = cached
    return cached


async def stripe_webhook(request: Request) -> JSONResponse:
    provider = _stripe(request)
    payload = await request.body()
    # parse_event (signature, then translation) and apply_event, logging what it refuses
    outcome = await services.handle_webhook(
        request.app.state.city, provider, payload, request.headers
    )
    return JSONResponse(WebhookAnswer(received=True, outcome=outcome.value).model_dump())


routes = [
    api_route(
        Operation(
            "POST",
            PATH,
            "Receive a Stripe webhook event",
            "payments",
            response=WebhookAnswer,
            errors=(400, 422),
            body_media_type="application/json",
            description=(
                "Called by Stripe, not by clients: the raw body is a Stripe Event and the "
                "`Stripe-Signature` header signs it with the endpoint's secret "
                "(STRIPE_WEBHOOK_SECRET). Each event id is applied once; a repeat is answered "
                "200 with outcome `already`. A bad or stale signature is a 400."
            ),
        ),
        stripe_webhook,
        name="stripe_webhook",
    )
]
