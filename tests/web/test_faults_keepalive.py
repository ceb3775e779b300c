"""An unexpected error is answered with a 500 and the kept-alive connection goes on serving.

A real uvicorn runs the app in a thread of this process, so one of its parts can be broken from
outside: the search engine raises a bug-like error for the next search only.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

from marketplace.app import create_app
from marketplace.city import City
from marketplace.settings import Settings
from tests.support.live_server import free_port


class _Served:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="critical")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Served:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def served(city: City, tmp_path: Path) -> Iterator[_Served]:
    settings = Settings(
        database_url=f"sqlite://{tmp_path / 'unused.sqlite3'}",
        session_secret="keepalive-test-session-secret-0123456789",
        search_dir=tmp_path / "search",
        media_dir=tmp_path / "media",
    )
    # nothing here reads the database: anonymous pages and an empty index
    app = create_app(city, settings, manage_database=False)
    with _Served(app) as served:
        yield served


def _break_next_search(app: Starlette) -> None:
    engine = app.state.search
    real = engine.search

    async def broken_once(query: object) -> object:
        engine.search = real
        raise KeyError("a bug in the engine")

    engine.search = broken_once


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize(
    ("failing", "then"),
    [("/api/v1/search?q=noodles", "/api/v1/search?q=noodles"), ("/search?q=noodles", "/search")],
)
def test_after_a_500_the_same_connection_serves_the_next_request(
    served: _Served, failing: str, then: str
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        status, _, _ = _get(conn, "/static/app.css")
        assert status == 200
        sock = conn.sock
        assert sock is not None

        _break_next_search(served.app)
        status, headers, body = _get(conn, failing)
        assert status == 500
        if failing.startswith("/api/"):
            assert json.loads(body)["code"] == "internal"
        else:
            assert headers["content-type"].startswith("text/html")
            assert "抱歉，操作没有成功，请稍后再试。" in body.decode()  # the city's language
        assert "a bug in the engine" not in body.decode()

        # the next request travels on the very same socket and gets its answer
        status, _, _ = _get(conn, then)
        assert status == 200
        assert conn.sock is sock
    finally:
        conn.close()


async def test_a_response_already_started_is_not_answered_twice() -> None:
    from web.middleware.faults import FaultsMiddleware

    sent: list[dict[str, object]] = []

    async def half_then_bug(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        raise KeyError("bug after the headers")

    async def record(message: dict[str, object]) -> None:
        sent.append(message)

    async def nothing() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
    with pytest.raises(KeyError):
        # the server must close the connection: the body it announced will never come
        await FaultsMiddleware(half_then_bug)(scope, nothing, record)
    assert [m["type"] for m in sent] == ["http.response.start"]
