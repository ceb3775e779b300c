"""Checkout, its return pages, the merchant's payouts and the operator's money page without a
browser, on both databases: who may open what, paying at the store, the provider being down
(the hold stays, the retry reuses the key), the webhook arriving before or after the resident
returns, connecting to Stripe, recording a store payment, and the city's numbers."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.city import City
from payments import services as payments
from payments.interfaces import PaymentError
from payments.models import MerchantPayoutAccount, Payment, Refund
from payments.stripe_onboarding import AccountState
from payments.types import RefundState
from tests.payments.conftest import enable_online
from tests.support.bookables import NEAR_HOME, NOW, cleaning_of, owned_business
from tests.support.fake_provider import FakeProvider
from tests.web.conftest import PASSWORD, client_for
from tests.web.merchant_helpers import signed_in, visible_text

pytestmark = pytest.mark.usefixtures("db")
TOMORROW_9 = "2026-11-26T09:00:00+08:00"


class FakeConnect(FakeProvider):
    """The fake online provider, with the onboarding calls Stripe Connect adds."""

    def __init__(self) -> None:
        super().__init__("stripe")
        self.accounts: dict[str, str] = {}  # idempotency key -> account id
        self.charges = False

    async def create_account(
        self, merchant_id: int, *, email: str | None, country: str, idempotency_key: str
    ) -> str:
        return self.accounts.setdefault(idempotency_key, f"acct_{merchant_id}_{len(self.accounts)}")

    async def onboarding_link(self, account: str, *, refresh_url: str, return_url: str) -> str:
        return f"https://connect.test/{account}?return={return_url}"

    async def account_state(self, account: str) -> AccountState:
        return AccountState(account, self.charges, self.charges, True)


@pytest.fixture
def stripe_app(make_app: Callable[..., Starlette]) -> tuple[Starlette, FakeConnect]:
    app = make_app(stripe_secret_key="sk_test_pages", stripe_webhook_secret="whsec_pages")
    fake = FakeConnect()
    app.state.payment_providers = {"stripe": fake}
    app.state.clock = lambda: NOW
    return app, fake


async def business(
    city: City, email: str = "wang@example.com", name: str = "王阿姨"
) -> tuple[Account, int, int, int]:
    owner = await accounts.sign_up(email, PASSWORD, name, "zh-CN")
    operator = await accounts.create_operator(f"ops-{owner.id}@example.com", PASSWORD, "审核员")
    merchant = await owned_business(city, owner, operator)
    availability = {
        "windows": [
            {"weekday": d, "start": "09:00", "end": "18:00", "slot_minutes": 120, "capacity": 2}
            for d in range(7)
        ],
        "buffer_minutes": 0,
    }
    listing, offering = await cleaning_of(merchant, availability)
    return owner, merchant.id, listing.id, offering.id


async def hold(client: httpx.AsyncClient, token: str, listing_id: int, offering_id: int) -> int:
    response = await client.post(
        "/bookings",
        data={
            "csrf_token": token,
            "key": f"k-{listing_id}-{token[:6]}",
            "listing_id": str(listing_id),
            "offering": str(offering_id),
            "date": "2026-11-26",
            "starts_at": TOMORROW_9,
            "party_size": "1",
            "lat": str(NEAR_HOME.lat),
            "lng": str(NEAR_HOME.lng),
            "address_text": "3 栋 201",
        },
    )
    assert response.status_code == 303, visible_text(response.text)
    match = re.search(r"/me/bookings/(\d+)$", response.headers["location"])
    assert match
    return int(match.group(1))


async def test_a_resident_cannot_open_someone_elses_checkout(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, _fake = stripe_app
    _owner, _m, listing_id, offering_id = await business(city)
    other = await accounts.sign_up("lei@example.com", PASSWORD, "小雷", "zh-CN")
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        mine = await client.get(f"/checkout/booking/{booking_id}")
        assert mine.status_code == 200
        token = await signed_in(client, other)
        for path in ("", "/success", "/cancel"):
            theirs = await client.get(f"/checkout/booking/{booking_id}{path}")
            assert theirs.status_code == 404, path
        posted = await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "pay_at_store"}
        )
        assert posted.status_code == 404
        assert (await client.get(f"/checkout/parcel/{booking_id}")).status_code == 404
    assert (await Booking.get(id=booking_id)).state == "held"


async def test_pay_at_store_checkout_confirms_and_shows_the_code(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, fake = stripe_app
    _owner, _m, listing_id, offering_id = await business(city)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        held = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        assert "在线支付" not in held  # no link to a way this merchant cannot take
        page = await client.get(f"/checkout/booking/{booking_id}")
        text = visible_text(page.text)
        assert "剩余 10:00" in text and "¥120.00" in text and "到店付款" in text
        assert "在线支付" not in text  # this merchant has not connected Stripe
        done = await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "pay_at_store"}
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"/me/bookings/{booking_id}"
        detail = visible_text((await client.get(done.headers["location"])).text)
        assert "已确认" in detail
        # a confirmed booking has nothing to pay here: the checkout sends it to its page
        again = await client.get(f"/checkout/booking/{booking_id}")
        assert again.status_code == 303
    assert fake.start_calls == []
    assert (await Booking.get(id=booking_id)).state == "confirmed"


async def test_provider_unavailable_keeps_the_hold_and_the_retry_reuses_the_key(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, fake = stripe_app
    _owner, merchant_id, listing_id, offering_id = await business(city)
    await enable_online(merchant_id)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        held = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        assert "在线支付" in held  # the held page links to the checkout
        page = visible_text((await client.get(f"/checkout/booking/{booking_id}")).text)
        assert "在线支付" in page and "银行卡 · 支付宝 · 微信支付" in page
        fake.unreachable = True
        down = await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "stripe"}
        )
        assert down.status_code == 503
        text = visible_text(down.text)
        assert "无法连接支付服务" in text and "重试" in text and "剩余" in text
        assert (await Booking.get(id=booking_id)).state == "held"
        fake.unreachable = False
        retried = await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "stripe"}
        )
        assert retried.status_code == 303
        assert retried.headers["location"].startswith("https://pay.test/")
    assert len(fake.start_calls) == 2 and len(set(fake.start_calls)) == 1
    assert await Payment.filter(payable__kind="booking", payable__ref_id=booking_id).count() == 1
    assert (await Booking.get(id=booking_id)).state == "pending_payment"


async def test_success_page_confirms_whether_the_webhook_comes_first_or_later(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, fake = stripe_app
    _owner, merchant_id, listing_id, offering_id = await business(city)
    await enable_online(merchant_id)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        first = await hold(client, token, listing_id, offering_id)
        form = {"csrf_token": token, "method": "stripe"}
        await client.post(f"/checkout/booking/{first}", data=form)
        waiting = await client.get(f"/checkout/booking/{first}/success")
        assert 'http-equiv="refresh"' in waiting.text
        assert "正在确认你的付款" in visible_text(waiting.text)
        started = next(iter(fake.payments.values()))[1]
        await payments.apply_event(city, fake, fake.paid(started), now=NOW)
        paid = await client.get(f"/checkout/booking/{first}/success")
        text = visible_text(paid.text)
        assert "已收到付款" in text and 'data-testid="code"' in paid.text
        assert 'http-equiv="refresh"' not in paid.text

        cancelled = await client.get(f"/checkout/booking/{first}/cancel")
        assert "已收到付款" in visible_text(cancelled.text)  # paid is paid, whatever the return


async def test_cancel_page_offers_to_try_again_while_the_hold_lasts(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, _fake = stripe_app
    _owner, merchant_id, listing_id, offering_id = await business(city)
    await enable_online(merchant_id)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "stripe"}
        )
        page = await client.get(f"/checkout/booking/{booking_id}/cancel")
        text = visible_text(page.text)
        assert "付款未完成" in text and "再试一次" in text
        assert f'href="/checkout/booking/{booking_id}"' in page.text


async def test_a_merchant_sees_only_their_own_payouts_and_connects_once(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account
) -> None:
    app, fake = stripe_app
    owner, merchant_id, _l, _o = await business(city)
    other_owner, other_id, _l2, _o2 = await business(city, "li@example.com", "李师傅")
    async with client_for(app) as client:
        token = await signed_in(client, owner)
        page = await client.get(f"/merchant/{merchant_id}/payouts")
        assert page.status_code == 200
        assert "未连接" in visible_text(page.text) and "连接 Stripe" in visible_text(page.text)
        assert (await client.get(f"/merchant/{other_id}/payouts")).status_code in (403, 404)
        for _ in range(2):
            went = await client.post(
                f"/merchant/{merchant_id}/payouts/connect", data={"csrf_token": token}
            )
            assert went.status_code == 303
            assert went.headers["location"].startswith("https://connect.test/acct_")
        assert await MerchantPayoutAccount.filter(merchant_id=merchant_id).count() == 1
        assert len(fake.accounts) == 1
        fake.charges = True
        back = await client.get(f"/merchant/{merchant_id}/payouts/return")
        assert back.status_code == 303
        now_page = visible_text((await client.get(back.headers["location"])).text)
        assert "已开通结算" in now_page
        token = await signed_in(client, resident)
        assert (await client.get(f"/merchant/{merchant_id}/payouts")).status_code in (403, 404)
    assert (await MerchantPayoutAccount.get(merchant_id=merchant_id)).charges_enabled
    assert other_owner.id != owner.id


async def test_recording_a_store_payment_shows_in_earnings_and_the_operator_page(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account, operator: Account
) -> None:
    app, _fake = stripe_app
    owner, merchant_id, listing_id, offering_id = await business(city)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        await client.post(
            f"/checkout/booking/{booking_id}", data={"csrf_token": token, "method": "pay_at_store"}
        )
        assert (await client.get("/ops/payments")).status_code == 403

        token = await signed_in(client, owner)
        queue = await client.get(f"/merchant/{merchant_id}/bookings?date=2026-11-26")
        assert 'data-testid="store-paid"' in queue.text
        back = f"/merchant/{merchant_id}/bookings?date=2026-11-26"
        recorded = await client.post(
            f"/merchant/bookings/{booking_id}/store-paid", data={"csrf_token": token, "back": back}
        )
        assert recorded.status_code == 303 and "done=store_paid" in recorded.headers["location"]
        queue = await client.get(recorded.headers["location"])
        assert "已记录到店付款" in visible_text(queue.text)
        assert 'data-testid="store-paid"' not in queue.text  # recorded once, not offered again
        payouts = visible_text((await client.get(f"/merchant/{merchant_id}/payouts")).text)
        assert "¥120.00" in payouts  # paid at the store
        assert "¥14.40" in payouts  # 12 % commission, owed on it
        assert (await client.get("/ops/payments")).status_code == 403

        await signed_in(client, operator)
        ops = await client.get("/ops/payments")
        text = visible_text(ops.text)
    assert ops.status_code == 200
    assert "账目平衡" in text and "¥120.00" in text and "¥14.40" in text and "家政" in text


async def test_the_operator_sees_failed_refunds_first_and_highlighted(
    stripe_app: tuple[Starlette, FakeConnect], city: City, resident: Account, operator: Account
) -> None:
    app, fake = stripe_app
    _owner, merchant_id, listing_id, offering_id = await business(city)
    await enable_online(merchant_id)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing_id, offering_id)
        form = {"csrf_token": token, "method": "stripe"}
        await client.post(f"/checkout/booking/{booking_id}", data=form)
        started = next(iter(fake.payments.values()))[1]
        await payments.apply_event(city, fake, fake.paid(started), now=NOW)
        payment = await Payment.get(payable__kind="booking", payable__ref_id=booking_id)
        fake.unreachable = True  # the refund is asked for and cannot be made yet
        with contextlib.suppress(PaymentError):
            await payments.request_refund(city, fake, payment, 3000, "operator", now=NOW)
        await Refund.filter(payment_id=payment.id).update(state=RefundState.FAILED)
        await signed_in(client, operator)
        page = await client.get("/ops/payments")
    assert page.status_code == 200
    row = re.search(r'<tr class="is-failed" data-testid="refund-\d+">(.*?)</tr>', page.text, re.S)
    assert row, "the failed refund is highlighted"
    assert "失败" in visible_text(row.group(1)) and "¥30.00" in visible_text(row.group(1))
    assert f"预订 #{booking_id}" in visible_text(row.group(1))
