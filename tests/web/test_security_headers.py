"""What the browser is told to allow: the Content-Security-Policy (a fresh script nonce per page,
the city's tile host for images, Stripe for the payment forms), the Permissions-Policy, and
HSTS with Secure cookies when the site runs behind HTTPS."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.app import create_app
from marketplace.city import City
from marketplace.settings import Settings
from tests.support.factories import make_listing
from tests.web.conftest import api_login, api_signup, client_for
from web.content_policy import tile_source

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_NONCE_ATTR = re.compile(r'\bnonce="([^"]*)"')
_INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directives(response: httpx.Response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response.headers["content-security-policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def executable_scripts(html: str) -> list[str]:
    """The attributes of every <script> a browser would run (JSON data blocks are not run)."""
    return [attrs for attrs in _SCRIPT_TAG.findall(html) if 'type="application/json"' not in attrs]


def city_with(city: City, **map_fields: Any) -> City:
    return city.model_copy(update={"map": city.map.model_copy(update=map_fields)})


async def test_each_page_runs_only_the_scripts_stamped_with_its_own_nonce(
    app: Starlette, city: City
) -> None:
    listing = await make_listing(city.center)
    async with client_for(app) as client:
        first = await client.get(f"/listings/{listing.id}")
        second = await client.get(f"/listings/{listing.id}")
    assert first.status_code == second.status_code == 200
    nonces = []
    for response in (first, second):
        scripts = directives(response)["script-src"]
        assert len(scripts) == 1 and re.fullmatch(r"'nonce-[A-Za-z0-9_-]{22,}'", scripts[0])
        nonce = scripts[0][len("'nonce-") : -1]
        tags = executable_scripts(response.text)
        assert len(tags) >= 2  # Leaflet and the listing's map
        assert [_NONCE_ATTR.search(tag) and _NONCE_ATTR.search(tag).group(1) for tag in tags] == [
            nonce
        ] * len(tags)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


async def test_pages_allow_no_inline_script_and_only_the_city_tile_host_for_images(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/login", "/no-such-page"):  # a page and an error page
        response = await client.get(path)
        assert response.headers["content-type"].startswith("text/html")
        policy = directives(response)
        header = response.headers["content-security-policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        # data: is Leaflet's blank image for a tile it stops loading
        assert policy["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
        assert policy["default-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        # Changzhou takes Stripe: its checkout and merchant onboarding are redirects after a post
        assert policy["form-action"] == [
            "'self'",
            "https://checkout.stripe.com",
            "https://connect.stripe.com",
        ]


async def test_the_policy_follows_the_city_configuration(city: City, settings: Settings) -> None:
    other = city_with(city, tile_url="https://tiles{s}.maps.example.net:8443/{z}/{x}/{y}.png")
    other = other.model_copy(
        update={
            "payments": city.payments.model_copy(
                update={"providers": ("pay_at_store",), "default_provider": "pay_at_store"}
            )
        }
    )
    app = create_app(other, settings, manage_database=False)
    async with client_for(app) as client:
        policy = directives(await client.get("/login"))
    assert policy["img-src"] == ["'self'", "data:", "https://*.maps.example.net:8443"]
    assert policy["form-action"] == ["'self'"]  # no online payment: no Stripe either


async def test_json_answers_get_a_policy_that_allows_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/me")
    assert response.headers["content-type"].startswith("application/json")
    policy = response.headers["content-security-policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"


async def test_only_geolocation_and_the_camera_are_allowed_and_only_for_this_site(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/login", "/api/v1/me"):
        response = await client.get(path)
        features = dict(
            item.strip().split("=", 1) for item in response.headers["permissions-policy"].split(",")
        )
        assert features["geolocation"] == "(self)"
        assert features["camera"] == "(self)"
        assert {name for name, allow in features.items() if allow != "()"} == {
            "geolocation",
            "camera",
        }
        assert features["microphone"] == features["payment"] == features["usb"] == "()"


async def _cookies_and_hsts(app: Starlette, email: str) -> tuple[list[str], str | None]:
    """Every Set-Cookie a visitor collects: the session (and its CSRF token) from a form page,
    the locale from ?lang=, both again from signing in; and the HSTS header."""
    cookies: list[str] = []
    async with client_for(app) as client:
        page = await client.get("/login?lang=en")
        cookies += page.headers.get_list("set-cookie")
        assert (await api_signup(client, email)).status_code == 201
        signed_in = await api_login(client, email)
        cookies += signed_in.headers.get_list("set-cookie")
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert names == {"taocity_session", "taocity_locale"}
    return cookies, page.headers.get("strict-transport-security")


async def test_hsts_and_secure_cookies_only_behind_https(
    make_app: Callable[..., Starlette],
) -> None:
    cookies, hsts = await _cookies_and_hsts(make_app(secure_cookies=False), "plain@example.com")
    assert hsts is None
    assert not [c for c in cookies if "secure" in c.lower()]

    cookies, hsts = await _cookies_and_hsts(make_app(secure_cookies=True), "secure@example.com")
    assert hsts == "max-age=31536000; includeSubDomains"
    assert all("; secure" in c.lower() for c in cookies), cookies


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
            "https://*.is.autonavi.com",
        ),
        ("http://Tiles.Example.org:8080/{z}/{x}/{y}.png", "http://tiles.example.org:8080"),
    ],
)
def test_the_tile_host_is_named_as_a_source(tile_url: str, source: str) -> None:
    assert tile_source(tile_url) == source


def test_a_tile_host_that_cannot_be_narrowed_is_refused() -> None:
    with pytest.raises(ValueError, match="tile host"):
        tile_source("https://{s}.org/{z}/{x}/{y}.png")


def test_no_template_has_inline_script_or_an_unstamped_script_tag() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not _INLINE_HANDLER.search(text), f"{template}: inline event handler"
        assert "javascript:" not in text.lower(), f"{template}: javascript: URL"
        for attrs in executable_scripts(text):
            assert "src=" in attrs, f"{template}: inline <script>"
            assert 'nonce="{{ csp_nonce() }}"' in attrs, f"{template}: <script> without nonce"
