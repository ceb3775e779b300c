"""What the Stripe provider sends: every call's fields, amounts, fee, destination and headers.

The SDK runs for real; only its HTTP client is replaced by one that records the wire request and
answers with Stripe-shaped objects (tests/support/stripe_recorder.py).
"""

from __future__ import annotations

import pytest

from payments.interfaces import (
    Payable,
    PaymentError,
    ProviderUnavailable,
    ReturnUrls,
)
from payments.stripe_provider import StripeProvider
from tests.support.stripe_recorder import StripeRecorder

SECRET = "sk_test_recorded_0123456789"
URLS = ReturnUrls(
    success="https://changzhou.taocity.test/bookings/42/paid?session={CHECKOUT_SESSION_ID}",
    cancel="https://changzhou.taocity.test/bookings/42",
)


def booking(**changes: object) -> Payable:
    fields: dict[str, object] = {
        "kind": "booking",
        "id": 42,
        "amount": 12800,
        "currency": "CNY",
        "application_fee": 1536,  # 12 % housekeeping commission
        "merchant_account": "acct_1MerchantXyz",
        "description": "深度保洁 3 小时",
        "resident_email": "resident@demo.taocity.test",
    }
    fields.update(changes)
    return Payable(**fields)  # type: ignore[arg-type]


@pytest.fixture
def recorder() -> StripeRecorder:
    return StripeRecorder()


@pytest.fixture
def provider(recorder: StripeRecorder) -> StripeProvider:
    return StripeProvider(SECRET, "whsec_test", http_client=recorder)


async def test_checkout_session_is_a_destination_charge_with_the_commission(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    started = await provider.start_payment(
        booking(), idempotency_key="booking-42-pay-1", urls=URLS, methods=["card"]
    )

    [call] = recorder.requests
    assert (call.method, call.url) == ("POST", "https://api.stripe.com/v1/checkout/sessions")
    assert call.header("Idempotency-Key") == "booking-42-pay-1"
    assert call.header("Stripe-Account") is None  # destination charges are the platform's
    assert call.header("Authorization") == f"Bearer {SECRET}"
    assert call.form == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "cny",
        "line_items[0][price_data][unit_amount]": "12800",
        "line_items[0][price_data][product_data][name]": "深度保洁 3 小时",
        "payment_method_types[0]": "card",
        "payment_intent_data[metadata][reference]": "booking:42",
        "payment_intent_data[metadata][via]": "checkout",
        "payment_intent_data[description]": "深度保洁 3 小时",
        "payment_intent_data[application_fee_amount]": "1536",
        "payment_intent_data[transfer_data][destination]": "acct_1MerchantXyz",
        "metadata[reference]": "booking:42",
        "client_reference_id": "booking:42",
        "success_url": URLS.success,
        "cancel_url": URLS.cancel,
        "customer_email": "resident@demo.taocity.test",
    }
    assert started.provider == "stripe"
    assert started.provider_ref.startswith("cs_test_")
    assert started.redirect_url is not None
    assert started.redirect_url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert started.client_secret is None


async def test_the_citys_methods_and_wechat_pay_for_the_web(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    await provider.start_payment(
        booking(resident_email=None),
        idempotency_key="k",
        urls=URLS,
        methods=["card", "alipay", "wechat_pay"],
    )
    [call] = recorder.requests
    assert call.prefixed("payment_method_types") == {
        "payment_method_types[0]": "card",
        "payment_method_types[1]": "alipay",
        "payment_method_types[2]": "wechat_pay",
    }
    assert call.prefixed("payment_method_options") == {
        "payment_method_options[wechat_pay][client]": "web"
    }
    assert "customer_email" not in call.form


async def test_an_order_carries_its_own_reference(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    await provider.start_payment(
        booking(kind="order", id=7, amount=3550, application_fee=177),
        idempotency_key="order-7-pay-1",
        urls=URLS,
        methods=["alipay"],
    )
    [call] = recorder.requests
    assert call.form["metadata[reference]"] == "order:7"
    assert call.form["payment_intent_data[metadata][reference]"] == "order:7"
    assert call.form["line_items[0][price_data][unit_amount]"] == "3550"
    assert call.form["payment_intent_data[application_fee_amount]"] == "177"
    assert "payment_method_options[wechat_pay][client]" not in call.form


async def test_a_subsidised_payment_takes_no_fee_rather_than_a_negative_one(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    # 10000 at 12 % with a platform coupon of 2000: the split gives the merchant 8800 of 8000
    await provider.start_payment(
        booking(amount=8000, application_fee=-800),
        idempotency_key="booking-42-pay-1",
        urls=URLS,
        methods=["card"],
    )
    [call] = recorder.requests
    assert call.form["payment_intent_data[application_fee_amount]"] == "0"
    assert call.form["line_items[0][price_data][unit_amount]"] == "8000"


async def test_unknown_method_or_no_connected_account_is_refused_before_calling_stripe(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    with pytest.raises(PaymentError, match="paypal"):
        await provider.start_payment(booking(), idempotency_key="k", urls=URLS, methods=["paypal"])
    with pytest.raises(PaymentError, match="cannot take online payments"):
        await provider.start_payment(
            booking(merchant_account=None), idempotency_key="k", urls=URLS, methods=["card"]
        )
    assert recorder.requests == []


async def test_payment_intent_path_has_the_same_fee_and_destination(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    started = await provider.start_payment_intent(booking(), idempotency_key="booking-42-pi")
    [call] = recorder.requests
    assert (call.method, call.path) == ("POST", "/v1/payment_intents")
    assert call.header("Idempotency-Key") == "booking-42-pi"
    assert call.header("Stripe-Account") is None
    assert call.form == {
        "amount": "12800",
        "currency": "cny",
        "payment_method_types[0]": "card",
        "metadata[reference]": "booking:42",
        "description": "深度保洁 3 小时",
        "application_fee_amount": "1536",
        "transfer_data[destination]": "acct_1MerchantXyz",
    }
    assert started.provider_ref.startswith("pi_test_")
    assert started.client_secret == f"{started.provider_ref}_secret_Xb9Qm2Lk"
    assert started.redirect_url is None


async def test_without_connect_the_intent_leaves_out_fee_and_destination(
    recorder: StripeRecorder,
) -> None:
    plain = StripeProvider(SECRET, "whsec_test", http_client=recorder, connect=False)
    await plain.start_payment_intent(booking(merchant_account=None), idempotency_key="k")
    [call] = recorder.requests
    assert "application_fee_amount" not in call.form
    assert "description" not in call.form
    assert not call.prefixed("transfer_data")
    await plain.refund("pi_3Paid", 100, idempotency_key="r")
    assert recorder.requests[-1].form == {
        "payment_intent": "pi_3Paid",
        "amount": "100",
        "metadata[payment]": "pi_3Paid",
    }


async def test_partial_refund_reverses_the_transfer_and_the_fee(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    result = await provider.refund("pi_3Paid", 6400, idempotency_key="booking-42-refund-1")
    [call] = recorder.requests
    assert (call.method, call.path) == ("POST", "/v1/refunds")
    assert call.header("Idempotency-Key") == "booking-42-refund-1"
    assert call.header("Stripe-Account") is None
    assert call.form == {
        "payment_intent": "pi_3Paid",
        "amount": "6400",
        "metadata[payment]": "pi_3Paid",
        "reverse_transfer": "true",
        "refund_application_fee": "true",
    }
    assert result.provider_ref.startswith("re_test_")
    assert result.succeeded is True


async def test_a_pending_refund_is_not_yet_succeeded(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    recorder.refund_status = "pending"  # Alipay and WeChat Pay refunds settle later
    result = await provider.refund("pi_3Paid", 12800, idempotency_key="k")
    assert result.succeeded is False
    recorder.refund_status = "failed"
    with pytest.raises(PaymentError, match="failed"):
        await provider.refund("pi_3Paid", 12800, idempotency_key="k2")


async def test_refund_of_a_checkout_session_refunds_its_payment_intent(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    started = await provider.start_payment(
        booking(), idempotency_key="k", urls=URLS, methods=["card"]
    )
    intent = recorder.pay_session(started.provider_ref)
    await provider.refund(started.provider_ref, 12800, idempotency_key="r")
    _, read, create = recorder.requests
    assert (read.method, read.path) == ("GET", f"/v1/checkout/sessions/{started.provider_ref}")
    assert create.form["payment_intent"] == intent
    assert create.form["metadata[payment]"] == started.provider_ref  # what the events report


async def test_refund_of_nothing_is_refused(provider: StripeProvider) -> None:
    with pytest.raises(PaymentError):
        await provider.refund("pi_3Paid", 0, idempotency_key="k")


async def test_express_account_and_onboarding_link(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    account = await provider.create_account(
        17, email="shop@example.cn", country="cn", idempotency_key="merchant-17-account"
    )
    url = await provider.onboarding_link(
        account,
        refresh_url="https://changzhou.taocity.test/merchant/payouts/refresh",
        return_url="https://changzhou.taocity.test/merchant/payouts/return",
    )
    create, link = recorder.requests
    assert (create.method, create.path) == ("POST", "/v1/accounts")
    assert create.header("Idempotency-Key") == "merchant-17-account"
    assert create.header("Stripe-Account") is None
    assert create.form == {
        "type": "express",
        "country": "CN",
        "email": "shop@example.cn",
        "capabilities[card_payments][requested]": "true",
        "capabilities[transfers][requested]": "true",
        "metadata[merchant_id]": "17",
    }
    assert (link.method, link.path) == ("POST", "/v1/account_links")
    assert link.form == {
        "account": account,
        "type": "account_onboarding",
        "refresh_url": "https://changzhou.taocity.test/merchant/payouts/refresh",
        "return_url": "https://changzhou.taocity.test/merchant/payouts/return",
    }
    assert url.startswith(f"https://connect.stripe.com/setup/e/{account}/")


async def test_account_state_for_the_return_page(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    account = await provider.create_account(17, email=None, country="CN", idempotency_key="k")
    state = await provider.account_state(account)
    assert (recorder.requests[-1].method, recorder.requests[-1].path) == (
        "GET",
        f"/v1/accounts/{account}",
    )
    assert "email" not in recorder.requests[0].form
    assert (state.account, state.charges_enabled, state.payouts_enabled) == (account, False, False)


async def test_base_url_sends_every_call_to_another_server(recorder: StripeRecorder) -> None:
    local = StripeProvider(SECRET, "whsec", base_url="http://127.0.0.1:8420", http_client=recorder)
    await local.start_payment(booking(), idempotency_key="k", urls=URLS, methods=["card"])
    await local.create_account(1, email=None, country="CN", idempotency_key="a")
    assert [c.url for c in recorder.requests] == [
        "http://127.0.0.1:8420/v1/checkout/sessions",
        "http://127.0.0.1:8420/v1/accounts",
    ]


async def test_unreachable_stripe_is_unavailable_and_the_retry_reuses_the_key(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    recorder.fail_next(3)  # the first try and both of the SDK's own retries
    with pytest.raises(ProviderUnavailable) as caught:
        await provider.start_payment(
            booking(), idempotency_key="booking-42-pay-1", urls=URLS, methods=["card"]
        )
    assert "could not be reached" in caught.value.message
    assert SECRET not in caught.value.message
    assert caught.value.code == "payment_provider_unavailable"

    started = await provider.start_payment(
        booking(), idempotency_key="booking-42-pay-1", urls=URLS, methods=["card"]
    )
    keys = {c.header("Idempotency-Key") for c in recorder.requests}
    assert len(recorder.requests) == 4
    assert keys == {"booking-42-pay-1"}
    assert started.redirect_url


async def test_a_second_start_with_the_same_key_is_the_same_session(
    provider: StripeProvider,
) -> None:
    first = await provider.start_payment(
        booking(), idempotency_key="k", urls=URLS, methods=["card"]
    )
    again = await provider.start_payment(
        booking(), idempotency_key="k", urls=URLS, methods=["card"]
    )
    assert first == again


async def test_the_sdk_retries_a_blip_itself(
    provider: StripeProvider, recorder: StripeRecorder
) -> None:
    recorder.fail_next(1)
    result = await provider.refund("pi_3Paid", 100, idempotency_key="refund-key")
    assert result.succeeded
    assert [c.header("Idempotency-Key") for c in recorder.requests] == ["refund-key"] * 2


@pytest.mark.parametrize(
    ("status", "kind", "message", "expected"),
    [
        (402, "card_error", "Your card was declined.", PaymentError),
        (400, "invalid_request_error", "No such destination: 'acct_gone'", PaymentError),
        (
            400,
            "idempotency_error",
            "Keys for idempotent requests can only be used with the same parameters they were "
            "first used with.",
            PaymentError,
        ),
        (
            429,
            "rate_limit_error",
            "Too many requests hit the API too quickly.",
            ProviderUnavailable,
        ),
    ],
)
async def test_stripe_refusals_map_to_our_errors(
    recorder: StripeRecorder, status: int, kind: str, message: str, expected: type
) -> None:
    provider = StripeProvider(SECRET, "whsec", http_client=recorder, max_network_retries=0)
    recorder.refuse_next(status, kind, message, code="x")
    with pytest.raises(expected) as caught:
        await provider.start_payment(booking(), idempotency_key="k", urls=URLS, methods=["card"])
    if expected is PaymentError:
        assert caught.value.message == message
    assert type(caught.value) is expected


async def test_bad_credentials_never_echo_the_key(recorder: StripeRecorder) -> None:
    provider = StripeProvider(SECRET, "whsec", http_client=recorder)
    recorder.refuse_next(401, "invalid_request_error", f"Invalid API Key provided: {SECRET}")
    with pytest.raises(PaymentError) as caught:
        await provider.create_account(1, email=None, country="CN", idempotency_key="k")
    assert SECRET not in caught.value.message
    assert "credentials" in caught.value.message
