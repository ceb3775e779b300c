"""PostgreSQL stopped under a running server: routes that need it answer 503 with Retry-After,
search and the home page go on from the index, and everything recovers once it is back.

The server is a real uvicorn process on a PostGIS cluster of this module's own, so stopping the
cluster hurts no other test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CITY_DIR
from tests.support.live_server import LiveServer
from tests.support.pg_cluster import PG_BIN, PostgisCluster

RESIDENT = ("resident@demo.taocity.test", "demo-resident-2026")
UNAVAILABLE_ZH = "服务暂时无法使用"


class _Outage:
    def __init__(self, tmp: Path) -> None:
        self.cluster = PostgisCluster()
        url = self.cluster.start()
        self.server = LiveServer(url, CITY_DIR, tmp / "server.log")

    def stop_database(self) -> None:
        pg_ctl = str(PG_BIN / "pg_ctl")
        self.cluster._run(pg_ctl, "-D", str(self.cluster.data), "-m", "fast", "-w", "stop")

    def start_database(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.cluster.port} -k {self.cluster.root}"
        log = str(self.cluster.root / "server.log")
        data = str(self.cluster.data)
        self.cluster._run(
            str(PG_BIN / "pg_ctl"), "-D", data, "-o", options, "-l", log, "-w", "start"
        )

    def log(self) -> str:
        return self.server.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Outage]:
    found = _Outage(tmp_path_factory.mktemp("outage"))
    try:
        found.server.taocity("db", "migrate")
        found.server.taocity("demo", "seed", "--count", "30")
        found.server.taocity("search", "reindex")
        found.server.start()
        yield found
    finally:
        found.server.stop()
        found.cluster.stop()


def _wait_healthy(client: httpx.Client, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.get("/healthz").status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


def _assert_unavailable(response: httpx.Response) -> None:
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code == 503, f"{where}: {response.status_code} {response.text[:300]}"
    assert int(response.headers["retry-after"]) > 0, where
    if response.request.url.path.startswith("/api/"):
        assert response.json()["code"] == "unavailable", where
    else:
        assert response.headers["content-type"].startswith("text/html"), where
        assert UNAVAILABLE_ZH in response.text, where


def test_a_stopped_database_is_answered_honestly_and_every_route_recovers(
    outage: _Outage,
) -> None:
    base = outage.server.url
    with (
        httpx.Client(base_url=base, timeout=30) as anonymous,
        httpx.Client(base_url=base, timeout=30) as resident,
    ):
        login = resident.post(
            "/api/v1/auth/login", json={"identifier": RESIDENT[0], "password": RESIDENT[1]}
        )
        assert login.status_code == 200, login.text
        # what a resident looked at before the outage
        before = anonymous.get("/api/v1/search", params={"page_size": 10}).json()
        assert before["complete"] is True and len(before["hits"]) == 10
        listing = before["hits"][0]["id"]
        home_before = anonymous.get("/")
        assert home_before.status_code == 200

        needs_database = [
            (anonymous, "GET", f"/api/v1/listings/{listing}/public"),
            (anonymous, "GET", f"/listings/{listing}"),
            (anonymous, "POST", "/api/v1/auth/login"),
            (resident, "GET", "/api/v1/me"),
            (resident, "GET", "/api/v1/bookings"),
            (resident, "GET", "/me"),
            (resident, "GET", "/me/bookings"),
        ]
        outage.stop_database()
        try:
            for client, method, path in needs_database:
                body = {"identifier": RESIDENT[0], "password": RESIDENT[1]}
                response = client.request(method, path, json=body if method == "POST" else None)
                _assert_unavailable(response)
            health = anonymous.get("/healthz")
            assert health.status_code == 503
            assert health.headers["Retry-After"] == "5"

            # search answers from the index: every match counted, the cards shown before listed
            for client in (anonymous, resident):
                during = client.get("/api/v1/search", params={"page_size": 10})
                assert during.status_code == 200, during.text
                found = during.json()
                assert found["complete"] is False
                assert found["total"] == before["total"]
                assert found["hits"] == before["hits"]
                page = client.get("/search")
                assert page.status_code == 200, page.text
                assert before["hits"][0]["name"] in page.text
                assert 'data-testid="search-degraded"' in page.text
            suggest = anonymous.get("/api/v1/suggest", params={"q": before["hits"][0]["name"]})
            assert suggest.status_code == 200
            home = resident.get("/")
            assert home.status_code == 200
            assert 'data-testid="listing-count"' in home.text
            assert anonymous.get("/static/app.css").status_code == 200
        finally:
            outage.start_database()

        # the pool reconnects by itself: no restart of the server
        assert _wait_healthy(anonymous), outage.log()
        for client, method, path in needs_database:
            if method == "POST":
                continue
            response = client.request(method, path)
            assert response.status_code == 200, f"{path}: {response.status_code}\n{outage.log()}"
        assert resident.get("/api/v1/me").json()["account"]["id"] == login.json()["account"]["id"]
        after = anonymous.get("/api/v1/search", params={"page_size": 10}).json()
        assert after["complete"] is True and after["hits"] == before["hits"]
        again = anonymous.post(
            "/api/v1/auth/login", json={"identifier": RESIDENT[0], "password": RESIDENT[1]}
        )
        assert again.status_code == 200
