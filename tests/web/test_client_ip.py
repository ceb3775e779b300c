"""The client address throttling counts: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.accounts import services as accounts
from marketplace.settings import Settings, SettingsError
from tests.support.live_server import REPO, LiveServer
from tests.support.stopped_clock import StoppedClock, stopped_clock_fixture  # noqa: F401
from tests.web.conftest import PASSWORD, client_for
from web.client_ip import resolve

CITY_DIR = REPO / "cities" / "changzhou"
NETWORKS = Settings(trusted_proxies="10.0.0.0/8, 2001:db8::1").trusted_proxy_networks()


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # not a proxy: the header is ignored
        ("10.0.0.5", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.5", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # left part is the client's
        ("10.0.0.5", ["198.51.100.1, 10.9.9.9"], "198.51.100.1"),  # two proxies in a row
        ("10.0.0.5", ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),  # header sent twice
        ("2001:db8::1", ["[2001:db8:9::7]:4431"], "2001:db8:9::7"),
        ("10.0.0.5", ["198.51.100.1:51234"], "198.51.100.1"),
        ("10.0.0.5", [], "10.0.0.5"),
        ("10.0.0.5", ["not-an-address"], "10.0.0.5"),
        ("10.0.0.5", ["10.1.1.1, 10.2.2.2"], "10.1.1.1"),  # only proxies: the farthest one
        ("127.0.0.1", ["198.51.100.1"], "127.0.0.1"),
    ],
)
def test_forwarded_for_is_read_only_from_trusted_proxies(
    peer: str, forwarded_for: list[str], client: str
) -> None:
    assert resolve(peer, forwarded_for, NETWORKS) == client


def test_nothing_is_trusted_by_default() -> None:
    assert Settings().trusted_proxy_networks() == ()
    assert resolve("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_a_bad_proxy_entry_is_named() -> None:
    with pytest.raises(SettingsError) as exc:
        Settings(trusted_proxies="10.0.0.0/8, proxy.internal").trusted_proxy_networks()
    assert exc.value.message.startswith("TRUSTED_PROXIES: 'proxy.internal'")


async def _signup_via(app: Starlette, peer: str, forwarded_for: str, n: int) -> int:
    async with client_for(app, ip=peer) as client:
        response = await client.post(
            "/api/v1/auth/signup",
            json={"identifier": f"u{n}@example.com", "password": PASSWORD, "display_name": "u"},
            headers={"X-Forwarded-For": forwarded_for},
        )
    return response.status_code


async def test_sign_up_limits_count_the_client_behind_a_trusted_proxy(
    db: str, make_app: Callable[..., Starlette]
) -> None:
    app = make_app(signup_max_per_ip=1, trusted_proxies="10.0.0.0/8")
    # two residents behind the proxy are two clients
    assert await _signup_via(app, "10.0.0.5", "198.51.100.1", 1) == 201
    assert await _signup_via(app, "10.0.0.5", "198.51.100.2", 2) == 201
    assert await _signup_via(app, "10.0.0.6", "6.6.6.6, 198.51.100.1", 3) == 429
    # a client writing the header itself is counted by its own address
    assert await _signup_via(app, "203.0.113.9", "198.51.100.3", 4) == 201
    assert await _signup_via(app, "203.0.113.9", "198.51.100.4", 5) == 429


async def test_without_trusted_proxies_the_header_changes_nothing(
    db: str, make_app: Callable[..., Starlette]
) -> None:
    app = make_app(signup_max_per_ip=1)
    assert await _signup_via(app, "127.0.0.1", "198.51.100.1", 1) == 201
    assert await _signup_via(app, "127.0.0.1", "198.51.100.2", 2) == 429


async def test_sign_in_delays_follow_the_client_behind_the_proxy(
    db: str, make_app: Callable[..., Starlette], stopped_clock: StoppedClock
) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    app = make_app(trusted_proxies="10.0.0.0/8")

    async def login(forwarded_for: str, password: str) -> httpx.Response:
        async with client_for(app, ip="10.0.0.5") as client:
            return await client.post(
                "/api/v1/auth/login",
                json={"identifier": "mei@example.com", "password": password},
                headers={"X-Forwarded-For": forwarded_for},
            )

    statuses = [(await login("203.0.113.7", "wrong password")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # the owner comes through the same proxy: not the guesser's address, not delayed
    assert (await login("198.51.100.9", PASSWORD)).status_code == 200


@pytest.mark.parametrize(("trusted", "statuses"), [("", [201, 429]), ("127.0.0.1", [201, 201])])
def test_taocity_serve_reads_forwarded_for_from_trusted_proxies_only(
    tmp_path: Path, trusted: str, statuses: list[int]
) -> None:
    """uvicorn's own proxy-header handling follows TRUSTED_PROXIES too, so it cannot put a
    forwarded address where the app looks for the peer's."""
    server = LiveServer(f"sqlite://{tmp_path}/serve.sqlite3", CITY_DIR, tmp_path / "serve.log")
    server.env |= {"SIGNUP_MAX_PER_IP": "1", "TRUSTED_PROXIES": trusted}
    server.taocity("db", "migrate")
    cli = [sys.executable, "-c", "from marketplace.cli import main; main()"]
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(
            [*cli, "serve", "--port", str(server.port), "--log-level", "warning"],
            env=server.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        server.wait_healthy([server.process], 60)
        answers = []
        for n in (1, 2):
            body = {"identifier": f"u{n}@example.com", "password": PASSWORD, "display_name": "u"}
            response = httpx.post(
                f"{server.url}/api/v1/auth/signup",
                json=body,
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
                timeout=30,
            )
            answers.append(response.status_code)
    finally:
        server.stop()
    assert answers == statuses
