"""localstripe (a stateful fake Stripe server from PyPI) on loopback for the test session.

`localstripe`'s own command binds every interface and reloads state from /tmp; here it runs in a
subprocess of the test venv's Python that serves the same app on 127.0.0.1 only, on a free
port, from empty, and writes nothing to disk. It is stopped at the end of the session.

What it can and cannot stand in for (measured against 1.15.10): customers, PaymentIntents
(confirm, decline, partial and full refunds) and signed webhooks work; Connect (accounts,
account links, `transfer_data`, `application_fee_amount`), Checkout Sessions, Alipay and WeChat
Pay, idempotency keys and refund events do not, so those are covered by the recorded request
shapes and locally signed events instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

# Runs in the child: localstripe's app, on loopback, with its pickle-to-/tmp turned off.
# (marketplace.clock first: under `pytest --start-at` its signatures carry the run's time)
_SERVE = """
import sys
import marketplace.clock
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


@dataclass(frozen=True)
class LocalStripe:
    url: str

    def reset(self) -> None:
        httpx.delete(f"{self.url}/_config/data", timeout=5).raise_for_status()

    def register_webhook(self, name: str, url: str, secret: str) -> None:
        response = httpx.post(
            f"{self.url}/_config/webhooks/{name}", data={"url": url, "secret": secret}, timeout=5
        )
        response.raise_for_status()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited ({process.returncode}): {log.read_text()}")
        try:
            # any HTTP answer means it is serving; it wants a key like Stripe does
            httpx.get(f"{url}/v1/customers", auth=("sk_test_localstripe", ""), timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"localstripe did not answer on {url} within 20 s: {log.read_text()}")


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    if importlib.util.find_spec("localstripe") is None:
        pytest.skip(
            "localstripe is not installed; `scripts/setup test` (or pip install -e '.[test]') "
            "installs it"
        )
    port = free_port()
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield LocalStripe(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WebhookReceiver:
    """A loopback endpoint that keeps every POST (raw body and headers) it is sent."""

    def __init__(self) -> None:
        self._deliveries: queue.Queue[tuple[bytes, dict[str, str]]] = queue.Queue()
        received = self._deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.put((self.rfile.read(length), dict(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/stripe"
        self._seen: list[tuple[bytes, dict[str, str]]] = []

    def wait_for(
        self, event_type: str, object_id: str, timeout: float = 15
    ) -> tuple[bytes, dict[str, str]]:
        """The first delivery of `event_type` about `object_id`, as it came over the wire."""
        deadline = time.monotonic() + timeout
        while True:
            for raw, headers in self._seen:
                body = json.loads(raw)
                if body.get("type") == event_type and body["data"]["object"]["id"] == object_id:
                    return raw, headers
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {event_type} for {object_id} within {timeout} s")
            try:
                self._seen.append(self._deliveries.get(timeout=remaining))
            except queue.Empty:
                continue

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
