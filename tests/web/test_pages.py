"""Pages: the home page, the language switch, forms with CSRF tokens, roles and error pages."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from listings import services as listings
from listings.types import Vertical
from marketplace.accounts.models import Account
from tests.web.conftest import PASSWORD, client_for, csrf_token_from


async def sign_in_by_form(client: httpx.AsyncClient, identifier: str) -> httpx.Response:
    token = await csrf_token_from(client, "/login")
    return await client.post(
        "/login",
        data={"identifier": identifier, "password": PASSWORD, "csrf_token": token, "next": "/me"},
    )


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_home_is_chinese_by_default_and_shows_the_listing_count(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-language"] == "zh-CN"
    text = visible_text(response.text)
    assert "淘常州" in text
    assert "已收录 0 家商户/服务" in text
    for name in ("美食", "家政", "家教", "商店", "首页", "附近", "订单", "我的"):
        assert name in text
    assert "Sign in" not in text


async def test_home_counts_come_from_the_listings_service(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def total() -> int:
        return 1612

    async def by_vertical() -> dict[Vertical, int]:
        return {
            Vertical.RESTAURANT: 900,
            Vertical.HOUSEKEEPING: 312,
            Vertical.TUTORING: 250,
            Vertical.SHOP: 150,
        }

    monkeypatch.setattr(listings, "count_published_listings", total)
    monkeypatch.setattr(listings, "count_by_vertical", by_vertical)
    text = visible_text((await client.get("/")).text)
    assert "已收录 1,612 家商户/服务" in text
    assert "312 家" in text
    english = visible_text((await client.get("/?lang=en")).text)
    assert "1,612 places and services listed" in english


async def test_locale_switch_changes_the_language_and_sticks(client: httpx.AsyncClient) -> None:
    token = await csrf_token_from(client, "/")
    switched = await client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": token})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/"
    text = visible_text((await client.get("/")).text)
    assert "Tao Changzhou" in text
    assert "0 places and services listed" in text
    assert "Food" in text and "Housekeeping" in text
    assert "美食" not in text

    token = await csrf_token_from(client, "/")
    await client.post("/locale", data={"locale": "zh-CN", "next": "/", "csrf_token": token})
    assert "美食" in visible_text((await client.get("/")).text)


async def test_lang_query_parameter_switches_and_is_remembered(client: httpx.AsyncClient) -> None:
    assert "Food" in visible_text((await client.get("/?lang=en")).text)
    assert "Food" in visible_text((await client.get("/")).text)


async def test_switching_language_while_signed_in_saves_it_on_the_account(
    app: Starlette, resident: Account, client: httpx.AsyncClient
) -> None:
    await sign_in_by_form(client, "mei@example.com")
    token = await csrf_token_from(client, "/me")
    await client.post("/locale", data={"locale": "en", "next": "/me", "csrf_token": token})
    assert (await client.get("/api/v1/me")).json()["account"]["locale"] == "en"
    # A new device starts in Chinese, and switches to the account's language at sign-in.
    async with client_for(app) as phone:
        assert "我的" in visible_text((await phone.get("/")).text)
        await sign_in_by_form(phone, "mei@example.com")
        assert "Food" in visible_text((await phone.get("/")).text)


async def test_form_post_without_csrf_token_is_refused(
    resident: Account, client: httpx.AsyncClient
) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"identifier": "mei@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "表单已过期" in response.text
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_form_post_with_the_session_token_is_accepted(
    resident: Account, client: httpx.AsyncClient
) -> None:
    response = await sign_in_by_form(client, "mei@example.com")
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_token_from_another_session_is_refused(
    app: Starlette, resident: Account, client: httpx.AsyncClient
) -> None:
    async with client_for(app) as other:
        foreign = await csrf_token_from(other, "/login")
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"identifier": "mei@example.com", "password": PASSWORD, "csrf_token": foreign},
    )
    assert response.status_code == 403
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_multipart_forms_carry_the_token_too(
    resident: Account, client: httpx.AsyncClient
) -> None:
    token = await csrf_token_from(client, "/login")
    fields = {"identifier": "mei@example.com", "password": PASSWORD}
    upload = {"photo": ("a.jpg", b"\xff\xd8", "image/jpeg")}
    without = await client.post("/login", files=upload, data=fields)
    assert without.status_code == 403
    # The token is found inside the multipart body; the login form itself takes no files.
    with_token = await client.post("/login", files=upload, data=fields | {"csrf_token": token})
    assert with_token.status_code == 400
    assert "请求没有成功" in with_token.text


async def test_wrong_password_on_the_form_shows_a_translated_error(
    resident: Account, client: httpx.AsyncClient
) -> None:
    token = await csrf_token_from(client, "/login")
    response = await client.post(
        "/login",
        data={"identifier": "mei@example.com", "password": "nope nope", "csrf_token": token},
    )
    assert response.status_code == 401
    assert "账号或密码不正确" in response.text
    assert 'value="mei@example.com"' in response.text


async def test_signup_form_creates_an_account_and_signs_in(client: httpx.AsyncClient) -> None:
    token = await csrf_token_from(client, "/signup")
    response = await client.post(
        "/signup",
        data={
            "identifier": "13900139000",
            "display_name": "阿强",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    me = await client.get("/me")
    assert me.status_code == 200
    text = visible_text(me.text)
    assert "阿强" in text and "+8613900139000" in text and "居民" in text


async def test_signup_form_shows_field_errors_in_chinese(
    resident: Account, client: httpx.AsyncClient
) -> None:
    token = await csrf_token_from(client, "/signup")
    response = await client.post(
        "/signup",
        data={
            "identifier": "mei@example.com",
            "display_name": "又一个小美",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "已被注册" in response.text
    assert 'value="又一个小美"' in response.text


async def test_page_logout_ends_the_session(resident: Account, client: httpx.AsyncClient) -> None:
    await sign_in_by_form(client, "mei@example.com")
    token = await csrf_token_from(client, "/me")
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await client.get("/me")).status_code == 303


async def test_me_page_shows_name_roles_and_language_switch(
    resident: Account, client: httpx.AsyncClient
) -> None:
    await sign_in_by_form(client, "mei@example.com")
    response = await client.get("/me")
    text = visible_text(response.text)
    assert "小美" in text and "mei@example.com" in text and "居民" in text
    assert 'action="/locale"' in response.text and "EN" in text
    assert "运营后台" not in text


async def test_anonymous_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/me", "/ops"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=%2F{path[1:]}"
    api = await client.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["code"] == "login_required"


async def test_residents_may_not_open_the_operator_console(
    resident: Account, client: httpx.AsyncClient
) -> None:
    await sign_in_by_form(client, "mei@example.com")
    response = await client.get("/ops")
    assert response.status_code == 403
    assert "无权" in response.text


async def test_operators_see_the_console_with_counts(
    resident: Account, operator: Account, client: httpx.AsyncClient
) -> None:
    await sign_in_by_form(client, "ops@example.com")
    response = await client.get("/ops")
    assert response.status_code == 200
    assert re.search(r'data-testid="ops-accounts">\s*2\s*<', response.text)
    assert re.search(r'data-testid="ops-listings">\s*0\s*<', response.text)
    assert "运营后台" in visible_text((await client.get("/me")).text)


async def test_login_redirect_target_stays_on_this_site(
    resident: Account, client: httpx.AsyncClient
) -> None:
    token = await csrf_token_from(client, "/login")
    response = await client.post(
        "/login",
        data={
            "identifier": "mei@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_not_found_page_is_friendly_and_translated(client: httpx.AsyncClient) -> None:
    zh = await client.get("/no/such/page")
    assert zh.status_code == 404
    assert "页面不存在" in zh.text and "返回首页" in zh.text
    en = await client.get("/no/such/page?lang=en")
    assert "Page not found" in en.text


async def test_wrong_method_is_a_friendly_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/logout")
    assert response.status_code == 405
    assert "此操作不可用" in response.text


async def test_unexpected_errors_show_no_stack_trace(app: Starlette) -> None:
    async def boom(request: Request) -> None:
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/boom", boom))
    app.router.routes.append(Route("/api/v1/boom", boom))
    async with client_for(app, raise_app_exceptions=False) as client:
        page = await client.get("/boom")
        api = await client.get("/api/v1/boom")
    assert page.status_code == 500
    assert "系统出了点问题" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    assert api.status_code == 500
    assert api.json()["code"] == "internal"
    assert "secret internals" not in api.text


async def test_security_headers_and_cookie_flags(app: Starlette, client: httpx.AsyncClient) -> None:
    response = await client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


async def test_cookies_are_secure_when_configured(make_app) -> None:
    async with client_for(make_app(secure_cookies=True)) as client:
        response = await client.get("/login")
    assert "; secure" in response.headers["set-cookie"].lower()


async def test_static_css_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/app.css")
    assert response.status_code == 200
    assert "#ff6a00" in response.text.lower()
