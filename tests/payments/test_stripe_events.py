"""Webhook verification and translation: every event we use, and every way a delivery is bad."""

from __future__ import annotations

import json
import time

import pytest

from payments.interfaces import EventKind, InvalidEvent, ProviderEvent
from payments.stripe_provider import StripeProvider
from tests.support import stripe_events as se
from tests.support.stripe_recorder import StripeRecorder

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"


@pytest.fixture
def provider() -> StripeProvider:
    return StripeProvider("sk_test_x", SECRET, http_client=StripeRecorder())


def parse(provider: StripeProvider, body: dict) -> ProviderEvent:
    raw, headers = se.delivery(body, SECRET)
    return provider.parse_event(raw, headers)


def test_payment_intent_succeeded(provider: StripeProvider) -> None:
    body = se.event("payment_intent.succeeded", se.payment_intent("booking:42"))
    got = parse(provider, body)
    intent = body["data"]["object"]
    assert got == ProviderEvent(
        id=body["id"],
        kind=EventKind.PAYMENT_SUCCEEDED,
        provider_ref=intent["id"],
        reference="booking:42",
        amount=12800,
        currency="CNY",
        raw_type="payment_intent.succeeded",
    )


def test_payment_intent_failed(provider: StripeProvider) -> None:
    obj = se.payment_intent("order:7", amount=3550, status="requires_payment_method")
    got = parse(provider, se.event("payment_intent.payment_failed", obj))
    assert (got.kind, got.provider_ref, got.reference, got.amount) == (
        EventKind.PAYMENT_FAILED,
        obj["id"],
        "order:7",
        3550,
    )


def test_checkout_completed_and_paid_reports_the_session(provider: StripeProvider) -> None:
    session = se.checkout_session("booking:42", intent_id="pi_1Paid")
    got = parse(provider, se.event("checkout.session.completed", session))
    assert (got.kind, got.provider_ref, got.reference, got.amount, got.currency) == (
        EventKind.PAYMENT_SUCCEEDED,
        session["id"],  # what start_payment returned
        "booking:42",
        12800,
        "CNY",
    )


def test_the_intent_checkout_created_is_reported_by_its_session_only(
    provider: StripeProvider,
) -> None:
    intent = se.payment_intent("booking:42", via="checkout")
    session = se.checkout_session("booking:42", intent_id=intent["id"])
    by_session = parse(provider, se.event("checkout.session.completed", session))
    assert by_session.kind == EventKind.PAYMENT_SUCCEEDED
    for kind in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        assert parse(provider, se.event(kind, intent)).kind == EventKind.IGNORED


def test_checkout_completed_unpaid_waits_for_the_async_result(provider: StripeProvider) -> None:
    # Alipay / WeChat Pay: the session completes before the money is confirmed
    session = se.checkout_session("booking:42", payment_status="unpaid")
    assert parse(provider, se.event("checkout.session.completed", session)).kind == (
        EventKind.IGNORED
    )
    session["payment_status"] = "paid"
    ok = parse(provider, se.event("checkout.session.async_payment_succeeded", session))
    assert (ok.kind, ok.provider_ref, ok.reference) == (
        EventKind.PAYMENT_SUCCEEDED,
        session["id"],
        "booking:42",
    )
    session["payment_status"] = "unpaid"
    failed = parse(provider, se.event("checkout.session.async_payment_failed", session))
    assert (failed.kind, failed.provider_ref) == (EventKind.PAYMENT_FAILED, session["id"])


def test_checkout_without_metadata_falls_back_to_client_reference_id(
    provider: StripeProvider,
) -> None:
    session = se.checkout_session("order:9")
    session["metadata"] = {}
    assert parse(provider, se.event("checkout.session.completed", session)).reference == "order:9"


def test_refund_updated_reports_the_payment_our_refund_names(provider: StripeProvider) -> None:
    ok = se.refund("pi_1Paid", amount=6400, refund_id="re_1Half", payment="cs_test_1Session")
    got = parse(provider, se.event("refund.updated", ok, previous_attributes={"status": "pending"}))
    assert (got.kind, got.refund_ref, got.amount, got.provider_ref, got.currency) == (
        EventKind.REFUND_SUCCEEDED,
        "re_1Half",
        6400,
        "cs_test_1Session",
        "CNY",
    )
    bad = se.refund(
        "pi_1Paid", amount=6400, status="failed", refund_id="re_1Bad", payment="pi_1Paid"
    )
    got = parse(provider, se.event("refund.updated", bad))
    assert (got.kind, got.refund_ref, got.provider_ref) == (
        EventKind.REFUND_FAILED,
        "re_1Bad",
        "pi_1Paid",
    )
    pending = se.refund("pi_1Paid", amount=6400, status="pending")
    assert parse(provider, se.event("refund.updated", pending)).kind == EventKind.IGNORED


def test_a_refund_made_in_the_dashboard_reports_its_payment_intent(
    provider: StripeProvider,
) -> None:
    made_elsewhere = se.refund("pi_1Paid", amount=500, refund_id="re_1Dash")
    got = parse(provider, se.event("refund.created", made_elsewhere))
    assert (got.kind, got.provider_ref, got.refund_ref) == (
        EventKind.REFUND_SUCCEEDED,
        "pi_1Paid",
        "re_1Dash",
    )


def test_charge_refunded_without_the_refunds_list_is_ignored(provider: StripeProvider) -> None:
    # current API versions do not list refunds on a charge: refund.* events say which it was
    obj = se.charge("booking:42", "pi_1Paid", refunded=6400)
    assert parse(provider, se.event("charge.refunded", obj)).kind == EventKind.IGNORED


def test_charge_refunded_with_the_refunds_list_is_about_the_newest(
    provider: StripeProvider,
) -> None:
    older = se.refund("pi_1Paid", amount=2000, refund_id="re_1First", payment="cs_test_1S")
    newer = se.refund("pi_1Paid", amount=10800, refund_id="re_1Second", payment="cs_test_1S")
    older["created"] -= 100
    obj = se.charge("booking:42", "pi_1Paid", refunded=12800, refunds=[newer, older])
    got = parse(provider, se.event("charge.refunded", obj))
    assert (got.kind, got.refund_ref, got.amount, got.reference, got.provider_ref) == (
        EventKind.REFUND_SUCCEEDED,
        "re_1Second",
        10800,
        "booking:42",
        "cs_test_1S",
    )


def test_account_updated(provider: StripeProvider) -> None:
    obj = se.account("acct_1MerchantXyz", charges=True, payouts=False)
    got = parse(provider, se.event("account.updated", obj, account="acct_1MerchantXyz"))
    assert (got.kind, got.account, got.charges_enabled, got.payouts_enabled) == (
        EventKind.ACCOUNT_UPDATED,
        "acct_1MerchantXyz",
        True,
        False,
    )


def test_other_events_are_verified_and_ignored(provider: StripeProvider) -> None:
    body = se.event("customer.created", {"id": "cus_1", "object": "customer"})
    got = parse(provider, body)
    assert (got.id, got.kind, got.raw_type) == (body["id"], EventKind.IGNORED, "customer.created")


def test_headers_are_read_whatever_their_case(provider: StripeProvider) -> None:
    raw, headers = se.delivery(
        se.event("payment_intent.succeeded", se.payment_intent("x:1")), SECRET
    )
    lower = {k.lower(): v for k, v in headers.items()}
    assert provider.parse_event(raw, lower).kind == EventKind.PAYMENT_SUCCEEDED


def _raw(kind: str = "payment_intent.succeeded") -> bytes:
    return json.dumps(se.event(kind, se.payment_intent("booking:42"))).encode()


@pytest.mark.parametrize(
    ("raw", "header"),
    [
        pytest.param(_raw(), None, id="no signature"),
        pytest.param(_raw(), "", id="empty signature"),
        pytest.param(_raw(), "garbage", id="unparseable signature"),
        pytest.param(_raw(), f"t={int(time.time())}", id="no v1"),
        pytest.param(_raw(), se.sign(_raw(), "whsec_someone_else"), id="wrong secret"),
        pytest.param(_raw(), se.sign(_raw(), SECRET, timestamp=int(time.time()) - 301), id="stale"),
        pytest.param(b"\xff\xfe not utf-8", se.sign(b"x", SECRET), id="binary body"),
    ],
)
def test_bad_signatures_are_invalid(
    provider: StripeProvider, raw: bytes, header: str | None
) -> None:
    headers = {} if header is None else {"Stripe-Signature": header}
    with pytest.raises(InvalidEvent):
        provider.parse_event(raw, headers)


def test_a_body_changed_after_signing_is_invalid(provider: StripeProvider) -> None:
    raw, headers = se.delivery(
        se.event("payment_intent.succeeded", se.payment_intent("b:1")), SECRET
    )
    with pytest.raises(InvalidEvent):
        provider.parse_event(raw.replace(b"12800", b"99999"), headers)


def test_a_signature_just_inside_the_tolerance_passes(provider: StripeProvider) -> None:
    body = se.event("payment_intent.succeeded", se.payment_intent("booking:42"))
    raw, headers = se.delivery(body, SECRET, timestamp=int(time.time()) - 290)
    assert provider.parse_event(raw, headers).id == body["id"]


def test_one_of_several_v1_signatures_matching_passes(provider: StripeProvider) -> None:
    # while a secret is being rolled, Stripe signs with both the old and the new one
    raw = _raw()
    t = int(time.time())
    old = se.sign(raw, "whsec_old", timestamp=t).split(",")[1]
    header = f"{se.sign(raw, SECRET, timestamp=t)},{old}"
    assert provider.parse_event(raw, {"Stripe-Signature": header}).kind == (
        EventKind.PAYMENT_SUCCEEDED
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"{not json", id="malformed json"),
        pytest.param(b"[]", id="a list"),
        pytest.param(b'"evt"', id="a string"),
        pytest.param(b'{"id": "evt_1", "object": "charge"}', id="not an event"),
        pytest.param(
            b'{"id": "evt_1", "object": "event", "type": "x", "data": {}}', id="no object"
        ),
        pytest.param(b"", id="empty"),
    ],
)
def test_signed_but_malformed_bodies_are_invalid(provider: StripeProvider, raw: bytes) -> None:
    with pytest.raises(InvalidEvent):
        provider.parse_event(raw, {"Stripe-Signature": se.sign(raw, SECRET)})


def test_a_known_event_missing_its_fields_is_invalid(provider: StripeProvider) -> None:
    body = se.event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})
    with pytest.raises(InvalidEvent, match="shape"):
        parse(provider, body)
