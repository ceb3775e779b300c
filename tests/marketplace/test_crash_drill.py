"""The kill -9 drill, on both databases: a real server takes a burst of holds, confirms and
listing edits from concurrent clients, dies by SIGKILL in the middle of it and is started again.

Afterwards every answer the clients were given still holds: each acknowledged hold, confirm and
edit is in the database; a hold retried with its key after the restart is replayed, never made
twice; every slot's `taken` is exactly the places its live bookings hold, within the capacity;
the search outbox drains and the index finds each edited listing by what the database says it
is, and no longer by what it was.

As in the Procfile: on SQLite one `taocity serve` process that also runs the jobs; on PostgreSQL
`taocity serve --workers 2` and a separate `taocity worker`, killed together.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from listings.models import Listing, Merchant, MerchantStaff
from marketplace import clock
from marketplace.bookings.models import Booking, Slot
from marketplace.bookings.types import RELEASING, BookingState
from tests.conftest import CITY_DIR
from tests.support.bookables import NEAR_HOME, cleaning_service
from tests.support.live_server import REPO, free_port
from tests.web.conftest import PASSWORD
from tests.web.merchant_helpers import account

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="kills a process group (POSIX)")

CITY_TZ = ZoneInfo("Asia/Shanghai")
RESIDENTS = 6
LISTINGS = 3
CAPACITY = 2
KILL_AFTER_HOLDS = 12  # acknowledged holds before the kill: the burst is well under way
CLI = [sys.executable, "-c", "from marketplace.cli import main; main()"]


@dataclass
class Ledger:
    """What the clients sent, and what the server acknowledged."""

    holds_sent: dict[str, dict] = field(default_factory=dict)  # key -> body
    holds_acked: dict[str, int] = field(default_factory=dict)  # key -> booking id
    holds_answered: set[str] = field(default_factory=set)  # keys with any answer
    confirms_acked: set[int] = field(default_factory=set)
    edits_sent: dict[int, list[str]] = field(default_factory=dict)  # listing -> words, in order
    edits_acked: dict[int, int] = field(default_factory=dict)  # listing -> index of last ack


class Servers:
    """`taocity serve` (and, on PostgreSQL, `taocity worker`) in a process group of their own."""

    def __init__(self, tmp: Path, database_url: str, postgres: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.postgres = postgres
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITY_DIR": str(CITY_DIR),
            "SESSION_SECRET": "crash-drill-session-secret-0123456789",
            "SEARCH_DIR": str(tmp / "search"),
            "MEDIA_DIR": str(tmp / "media"),
        }
        self.log = tmp / "servers.log"
        self.group: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        workers = "2" if self.postgres else "1"
        serve = [*CLI, "serve", "--port", str(self.port), "--workers", workers,
                 "--log-level", "warning"]  # fmt: skip
        # one shell as the group's leader, so one killpg takes down every process at once
        script = f"{subprocess.list2cmdline(serve)} &"
        if self.postgres:
            script += f" {subprocess.list2cmdline([*CLI, 'worker'])} &"
        script += " wait"
        with self.log.open("ab") as log:
            self.group = subprocess.Popen(
                ["/bin/sh", "-c", script], env=self.env, cwd=REPO, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        assert _until(lambda: _health(self.url) is not None), self.log.read_text()

    def kill(self) -> None:
        assert self.group is not None
        os.killpg(self.group.pid, signal.SIGKILL)
        self.group.wait(timeout=30)

    def stop(self) -> None:
        if self.group is not None and self.group.poll() is None:
            os.killpg(self.group.pid, signal.SIGTERM)
            try:
                self.group.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.group.pid, signal.SIGKILL)


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return json.loads(response.read()) if response.status == 200 else None
    except OSError:
        return None


def _until(predicate, seconds: float = 120) -> bool:  # type: ignore[no-untyped-def]
    import time as wall

    deadline = wall.monotonic() + seconds
    while wall.monotonic() < deadline:
        if predicate():
            return True
        wall.sleep(0.2)
    return False


async def _sign_in(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    answer = await http.post("/api/v1/auth/login", json={"identifier": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"X-CSRF-Token": answer.json()["csrf_token"]}


def _starts(rng: random.Random) -> str:
    day = clock.today(CITY_TZ) + timedelta(days=rng.randint(2, 4))
    return datetime.combine(day, time(rng.choice([9, 12, 15])), CITY_TZ).isoformat()


async def _resident(url: str, n: int, offerings: list[tuple[int, int]], ledger: Ledger,
                    stop: asyncio.Event) -> None:  # fmt: skip
    """Holds a random slot, confirms it at once if it got it; again, until the server dies."""
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        headers = await _sign_in(http, f"resident{n}@example.com")
        for i in range(10_000):
            if stop.is_set():
                return
            listing_id, offering_id = rng.choice(offerings)
            key = f"drill-{n}-{i:05d}"
            body = {
                "listing_id": listing_id,
                "offering_id": offering_id,
                "starts_at": _starts(rng),
                "address": {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
            }
            ledger.holds_sent[key] = body
            try:
                held = await http.post(
                    "/api/v1/bookings", json=body, headers={**headers, "Idempotency-Key": key}
                )
                ledger.holds_answered.add(key)
                if held.status_code != 201:
                    assert held.status_code == 409, held.text  # the slot is full
                    continue
                booking_id = held.json()["booking"]["id"]
                ledger.holds_acked[key] = booking_id
                if rng.random() < 0.6:
                    confirmed = await http.post(
                        f"/api/v1/bookings/{booking_id}/confirm",
                        json={"payment_mode": "pay_at_store"},
                        headers=headers,
                    )
                    assert confirmed.status_code == 200, confirmed.text
                    ledger.confirms_acked.add(booking_id)
            except httpx.TransportError:
                return  # the server is gone


def _word(rng: random.Random) -> str:
    # ten random letters: two of them are never within the search's typo budget of each other
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


async def _merchant(url: str, email: str, listing_ids: list[int], ledger: Ledger,
                    stop: asyncio.Event) -> None:  # fmt: skip
    """Rewrites its listings' descriptions, one after another, until the server dies."""
    rng = random.Random(email)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        headers = await _sign_in(http, email)
        while not stop.is_set():
            listing_id = rng.choice(listing_ids)
            word = _word(rng)
            sent = ledger.edits_sent.setdefault(listing_id, [])
            sent.append(word)
            body = {"description": {"zh-CN": f"演练 {word}", "en": f"drill {word}"}}
            try:
                edited = await http.patch(
                    f"/api/v1/listings/{listing_id}", json=body, headers=headers
                )
            except httpx.TransportError:
                return
            assert edited.status_code == 200, edited.text
            ledger.edits_acked[listing_id] = len(sent) - 1


async def _burst_then_kill(servers: Servers, offerings: list[tuple[int, int]],
                           merchant_email: str, ledger: Ledger) -> None:  # fmt: skip
    stop = asyncio.Event()
    clients = [
        *(_resident(servers.url, n, offerings, ledger, stop) for n in range(RESIDENTS)),
        _merchant(servers.url, merchant_email, [lid for lid, _ in offerings], ledger, stop),
    ]
    tasks = [asyncio.create_task(c) for c in clients]
    # the burst is under way for both kinds of client (on a busy machine the merchant's first
    # edit can come after a dozen holds)
    while len(ledger.holds_acked) < KILL_AFTER_HOLDS or not ledger.edits_acked:
        assert not any(t.done() for t in tasks), [t.exception() for t in tasks if t.done()]
        await asyncio.sleep(0.01)
    await asyncio.to_thread(servers.kill)
    stop.set()
    await asyncio.gather(*tasks)


async def _retry_unanswered_holds(servers: Servers, ledger: Ledger) -> dict[str, int]:
    """Every hold the clients sent and never heard back about, sent again with its key: the
    server replays the booking it made before dying, or makes it now, or says the slot is full."""
    again: dict[str, int] = {}
    by_resident: dict[str, list[str]] = {}
    for key in ledger.holds_sent.keys() - ledger.holds_answered:
        by_resident.setdefault(key.split("-")[1], []).append(key)
    for n, keys in by_resident.items():
        async with httpx.AsyncClient(base_url=servers.url, timeout=30) as http:
            headers = await _sign_in(http, f"resident{n}@example.com")
            for key in keys:
                answer = await http.post(
                    "/api/v1/bookings",
                    json=ledger.holds_sent[key],
                    headers={**headers, "Idempotency-Key": key},
                )
                assert answer.status_code in (200, 201, 409), answer.text
                if answer.status_code != 409:
                    again[key] = answer.json()["booking"]["id"]
    return again


async def _search_ids(url: str, word: str) -> set[int]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        answer = await http.get("/api/v1/search", params={"q": word})
    assert answer.status_code == 200, answer.text
    return {hit["id"] for hit in answer.json()["hits"]}


async def test_kill_9_mid_burst_loses_nothing_acknowledged_and_doubles_nothing(
    db: str, db_url: str, tmp_path: Path
) -> None:
    merchant_owner = await account("drill-merchant@example.com", "店主")
    offerings: list[tuple[int, int]] = []
    for _ in range(LISTINGS):
        listing, offering = await cleaning_service(capacity=CAPACITY)
        merchant_id = listing.merchant_id  # type: ignore[attr-defined]
        await Merchant.filter(id=merchant_id).update(owner_id=merchant_owner.id)
        await MerchantStaff.create(merchant_id=merchant_id, account=merchant_owner)
        offerings.append((listing.id, offering.id))
    for n in range(RESIDENTS):
        await account(f"resident{n}@example.com", f"居民{n}")

    servers = Servers(tmp_path, db_url, postgres=db == "postgis")
    ledger = Ledger()
    await asyncio.to_thread(servers.start)
    try:
        await _burst_then_kill(servers, offerings, merchant_owner.email or "", ledger)
        await asyncio.to_thread(servers.start)
        replayed = await _retry_unanswered_holds(servers, ledger)
        drained = await asyncio.to_thread(
            _until, lambda: (_health(servers.url) or {}).get("search", {}).get("pending") == 0
        )
        assert drained, _health(servers.url)
        found = {
            listing_id: {word: await _search_ids(servers.url, word) for word in words}
            for listing_id, words in ledger.edits_sent.items()
        }
    finally:
        await asyncio.to_thread(servers.stop)

    # the kill came mid-burst: some holds were in flight, unanswered
    assert ledger.holds_sent.keys() - ledger.holds_answered
    # every acknowledged hold is there, under its key, and nothing was made twice
    bookings = {b.idempotency_key: b for b in await Booking.all()}
    for key, booking_id in ledger.holds_acked.items():
        assert bookings[key].id == booking_id
    for key, booking_id in replayed.items():
        assert bookings[key].id == booking_id
    assert set(bookings) == ledger.holds_acked.keys() | replayed.keys()
    # every acknowledged confirm is there
    for booking_id in ledger.confirms_acked:
        assert (await Booking.get(id=booking_id)).state == BookingState.CONFIRMED
    # capacity and taken agree, slot by slot
    for slot in await Slot.all():
        live = [b for b in bookings.values() if b.slot_id == slot.id and b.state not in RELEASING]  # type: ignore[attr-defined]
        assert slot.taken == sum(b.party_size for b in live) <= slot.capacity
    # each edited listing says its last acknowledged edit, or one sent after it that made it
    # in before the kill; the index finds it by that word and by no other edit's
    assert ledger.edits_acked, "no listing edit was acknowledged before the kill"
    for listing_id, last_acked in ledger.edits_acked.items():
        words = ledger.edits_sent[listing_id]
        description = (await Listing.get(id=listing_id)).description or {}
        word = str(description.get("en", "")).removeprefix("drill ")
        assert word in words[last_acked:]
        assert listing_id in found[listing_id][word]
        for other in set(words) - {word}:
            assert listing_id not in found[listing_id][other]
