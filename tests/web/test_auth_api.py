"""The JSON API's account verbs: sign-up, sign-in, /me, sign-out, throttling, bad bodies."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from starlette.applications import Starlette

from marketplace.accounts.models import Account
from tests.support.stopped_clock import StoppedClock, stopped_clock_fixture  # noqa: F401
from tests.web.conftest import PASSWORD, api_login, api_signup, client_for, csrf_token_from


async def test_signup_then_login_then_me(app: Starlette, client: httpx.AsyncClient) -> None:
    created = await api_signup(client, identifier="  Mei@Example.COM ")
    assert created.status_code == 201, created.text
    assert created.json()["account"]["email"] == "mei@example.com"
    assert created.json()["account"]["roles"] == ["resident"]
    assert created.json()["account"]["locale"] == "zh-CN"

    async with client_for(app) as fresh:
        assert (await fresh.get("/api/v1/me")).status_code == 401
        logged_in = await api_login(fresh, "mei@example.com")
        assert logged_in.status_code == 200, logged_in.text
        me = await fresh.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["account"]["display_name"] == "小美"
    assert me.json()["account"]["id"] == created.json()["account"]["id"]


async def test_phone_signup_and_login_with_other_spelling(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    assert (await api_signup(client, identifier="138 0013 8000")).status_code == 201
    async with client_for(app) as fresh:
        response = await api_login(fresh, "+86 138-0013-8000")
    assert response.status_code == 200
    assert response.json()["account"]["phone"] == "+8613800138000"


async def test_wrong_password_and_unknown_account_look_the_same(
    resident: Account, client: httpx.AsyncClient
) -> None:
    wrong = await api_login(client, "mei@example.com", "not the password")
    unknown = await api_login(client, "nobody@example.com", "not the password")
    malformed = await api_login(client, "not an identifier", "not the password")
    assert wrong.status_code == unknown.status_code == malformed.status_code == 401
    assert wrong.json() == unknown.json() == malformed.json()
    assert wrong.json()["code"] == "authentication_failed"


async def test_a_guesser_is_slowed_down_but_the_owner_still_signs_in(
    resident: Account, app: Starlette, stopped_clock: StoppedClock
) -> None:
    async with client_for(app, ip="203.0.113.7") as guesser:
        answers = [(await api_login(guesser, password=f"guess {n}")) for n in range(20)]
    assert [r.status_code for r in answers[:3]] == [401, 401, 401]
    delayed = answers[3]
    assert delayed.status_code == 429
    assert delayed.json()["code"] == "rate_limited"
    assert 0 < int(delayed.headers["Retry-After"]) <= 300
    assert {r.status_code for r in answers[3:]} == {429}
    # the owner, from an address that has not failed, is not held up by the guesser
    async with client_for(app, ip="198.51.100.9") as owner:
        assert (await api_login(owner)).status_code == 200


async def test_an_address_is_throttled_across_accounts(
    resident: Account, make_app: Callable[..., Starlette]
) -> None:
    app = make_app(login_max_failures_per_ip=3)
    async with client_for(app, ip="203.0.113.7") as guesser:
        for n in range(3):
            response = await api_login(guesser, f"victim{n}@example.com", "guess")
            assert response.status_code == 401
        refused = await api_login(guesser, "mei@example.com", PASSWORD)
        assert refused.status_code == 429
    async with client_for(app, ip="198.51.100.9") as neighbour:
        assert (await api_login(neighbour, "mei@example.com", PASSWORD)).status_code == 200


async def test_sign_up_is_throttled_per_address(make_app: Callable[..., Starlette]) -> None:
    app = make_app(signup_max_per_ip=2)
    statuses = []
    for n in range(3):
        async with client_for(app, ip="203.0.113.7") as client:
            response = await api_signup(client, identifier=f"u{n}@example.com")
            statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    assert response.json()["code"] == "rate_limited"
    assert response.json()["message"] == "注册次数过多，请稍后再试。"
    assert 3590 <= int(response.headers["Retry-After"]) <= 3600
    assert await Account.all().count() == 2
    # the sign-up page answers the same way
    async with client_for(app, ip="203.0.113.7") as client:
        token = await csrf_token_from(client, "/signup")
        page = await client.post(
            "/signup",
            data={"identifier": "u9@example.com", "password": PASSWORD, "display_name": "u",
                  "csrf_token": token},
        )  # fmt: skip
        assert page.status_code == 429 and "Retry-After" in page.headers
        assert "注册次数过多" in page.text
    async with client_for(app, ip="198.51.100.9") as neighbour:
        assert (await api_signup(neighbour, identifier="n@example.com")).status_code == 201


async def test_sign_up_is_throttled_per_identifier(make_app: Callable[..., Starlette]) -> None:
    app = make_app(signup_max_per_identifier=2)
    statuses = []
    for n in range(3):
        async with client_for(app, ip=f"198.51.100.{n}") as client:
            statuses.append((await api_signup(client, identifier="Mei@Example.com")).status_code)
    assert statuses == [201, 422, 429]


async def test_logout_invalidates_the_session_cookie_everywhere(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token = (await api_signup(client)).json()["csrf_token"]
    stolen_cookies = dict(client.cookies)
    assert (await client.get("/api/v1/me")).status_code == 200

    out = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token})
    assert out.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401
    # A copy of the cookie taken before logout is worthless afterwards.
    async with client_for(app) as replay:
        replay.cookies.update(stolen_cookies)
        assert (await replay.get("/api/v1/me")).status_code == 401


async def test_api_writes_need_the_csrf_header_when_signed_in_by_cookie(
    client: httpx.AsyncClient,
) -> None:
    token = (await api_signup(client)).json()["csrf_token"]
    missing = await client.post("/api/v1/auth/logout")
    assert missing.status_code == 403
    assert missing.json()["code"] == "csrf_failed"
    wrong = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "x" + token})
    assert wrong.status_code == 403
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_login_rotates_the_csrf_token(app: Starlette, client: httpx.AsyncClient) -> None:
    first = (await api_signup(client)).json()["csrf_token"]
    # Signed in already, so signing in again is a write that needs the token too.
    assert (await api_login(client)).status_code == 403
    second = (await api_login(client, csrf_token=first)).json()["csrf_token"]
    assert first != second
    stale = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": first})
    assert stale.status_code == 403


async def test_malformed_json_is_a_422_naming_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content=b'{"identifier": "mei@example.com", "password": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


async def test_wrong_field_types_are_422_naming_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"identifier": 13800138000, "password": ["x"], "display_name": "", "extra": 1},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"identifier", "password", "display_name", "extra"}
    assert all(e["reason"] for e in response.json()["errors"])


async def test_missing_fields_and_non_json_bodies_are_422(client: httpx.AsyncClient) -> None:
    missing = await client.post("/api/v1/auth/login", json={"identifier": "mei@example.com"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["password"]
    form = await client.post("/api/v1/auth/login", data={"identifier": "a", "password": "b"})
    assert form.status_code == 422
    assert form.json()["errors"][0]["field"] == "body"
    array = await client.post("/api/v1/auth/login", json=[1, 2])
    assert array.status_code == 422


async def test_signup_validation_errors_name_the_field(
    resident: Account, client: httpx.AsyncClient
) -> None:
    duplicate = await api_signup(client, identifier="MEI@example.com")
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"] == [{"field": "identifier", "reason": "已被注册"}]
    short = await api_signup(client, identifier="lan@example.com", password="short")
    assert short.json()["errors"][0]["field"] == "password"
    locale = await api_signup(client, identifier="lan@example.com", locale="fr")
    assert locale.json()["errors"][0]["field"] == "locale"


async def test_api_errors_follow_the_chosen_language(client: httpx.AsyncClient) -> None:
    zh = await api_login(client, "nobody@example.com", "whatever pw")
    en = await client.post(
        "/api/v1/auth/login?lang=en",
        json={"identifier": "nobody@example.com", "password": "whatever pw"},
    )
    assert zh.json()["message"] == "账号或密码不正确。"
    assert en.json()["message"] == "The account or password is not correct."


async def test_passwords_are_stored_as_argon2id_hashes(client: httpx.AsyncClient) -> None:
    assert (await api_signup(client)).status_code == 201
    account = await Account.get(email="mei@example.com")
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash


async def test_unknown_api_path_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
