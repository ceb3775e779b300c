"""Holding slots under load: throughput, latency and the no-over-booking check, per database.

    .venv/bin/python benchmarks/bookings.py --city cities/changzhou [--offerings 20]
        [--clients 50] [--seconds 15 | --holds 3000] [--databases sqlite,postgis]

For each database it migrates an empty one (SQLite in a temporary directory; PostgreSQL + PostGIS
on a private throwaway cluster), seeds a tutoring listing with N small-group lessons (08:00-20:00
every day in 60-minute slots of 3 places) and one resident account per client, and serves it
with a live uvicorn. Each client signs in through /api/v1/auth/login as its own resident and
holds random slots of the next three days (party of 1 or 2) through POST /api/v1/bookings until
the time or count runs out. It reports holds per second, p50/p95/p99 hold latency, the 409
slot_full answers, anything else that was not a 201, and its own check of every slot: the places
held by bookings that still hold them are within the capacity, and `Slot.taken` equals them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.coords import LatLng
from listings.models import Offering
from listings.types import OfferingKind, Vertical
from marketplace.city import City, load_city

PASSWORD = "bench-resident-2026"
DAYS = 3
SLOTS = [(h, 0) for h in range(8, 20)]  # 08:00 ... 19:00 starts
CAPACITY = 3


def availability() -> dict[str, object]:
    windows = [
        {"weekday": d, "start": "08:00", "end": "20:00", "slot_minutes": 60, "capacity": CAPACITY}
        for d in range(7)
    ]
    return {"windows": windows, "horizon_days": 30}


async def _seed(city: City, url: str, offerings: int, clients: int) -> tuple[int, list[int]]:
    from marketplace import db
    from marketplace.accounts import services as accounts
    from tests.support.factories import make_listing

    await db.migrate(url)
    await db.init_db(url)
    try:
        listing = await make_listing(
            LatLng(city.center.lat, city.center.lng),
            vertical=Vertical.TUTORING,
            category=city.categories[Vertical.TUTORING][0].slug,
            name={"zh-CN": "压测小班", "en": "Load-test classes"},
        )
        made = []
        for i in range(offerings):
            made.append(
                await Offering.create(
                    listing=listing,
                    kind=OfferingKind.LESSON,
                    name={"zh-CN": f"小班课 {i + 1}", "en": f"Class {i + 1}"},
                    price=9000,
                    duration_min=60,
                    attributes={"format": "at_centre", "trial": False},
                    availability=availability(),
                )
            )
        for n in range(clients):
            await accounts.sign_up(f"bench{n:03d}@example.test", PASSWORD, f"压测{n}", "zh-CN")
        return listing.id, [o.id for o in made]
    finally:
        await db.close_db()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _starts(city: City) -> list[str]:
    tz = ZoneInfo(city.timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    days = [today + timedelta(days=d) for d in range(1, DAYS + 1)]
    return [datetime.combine(day, clock(h, m), tz).isoformat() for day in days for h, m in SLOTS]


async def _load(
    base: str, city: City, listing_id: int, offering_ids: list[int], args: argparse.Namespace
) -> Run:
    import httpx

    run, starts = Run(), _starts(city)
    deadline = [0.0]
    budget = [args.holds or 0]

    def more() -> bool:
        if args.holds:
            budget[0] -= 1
            return budget[0] >= 0
        return time.monotonic() < deadline[0]

    async def sign_in(http: httpx.AsyncClient, n: int) -> dict[str, str]:
        login = await http.post(
            "/api/v1/auth/login",
            json={"identifier": f"bench{n:03d}@example.test", "password": PASSWORD},
        )
        login.raise_for_status()
        return {"X-CSRF-Token": login.json()["csrf_token"]}

    async def holds(http: httpx.AsyncClient, n: int, headers: dict[str, str]) -> None:
        rng, i = random.Random(n), 0
        while more():
            i += 1
            body = {
                "listing_id": listing_id,
                "offering_id": rng.choice(offering_ids),
                "starts_at": rng.choice(starts),
                "party_size": rng.choice((1, 1, 2)),
            }
            key = {"Idempotency-Key": f"bench-{n:03d}-{i:06d}"}
            t = time.perf_counter()
            try:
                response = await http.post("/api/v1/bookings", json=body, headers=headers | key)
            except httpx.TransportError as exc:
                run.statuses[f"--- {type(exc).__name__}"] += 1
                continue
            run.latencies.append((time.perf_counter() - t) * 1000)
            code = "held" if response.status_code == 201 else response.json().get("code", "?")
            run.statuses[f"{response.status_code} {code}"] += 1

    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(args.clients)]
    try:
        # everyone signs in (argon2, one at a time on the server) before the clock starts
        headers = await asyncio.gather(*(sign_in(c, n) for n, c in enumerate(clients)))
        started = time.perf_counter()
        deadline[0] = time.monotonic() + args.seconds
        await asyncio.gather(*(holds(c, n, headers[n]) for n, c in enumerate(clients)))
        run.seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return run


async def _overbooked(url: str) -> tuple[int, int, int]:
    """(slots checked, slots over capacity, slots whose `taken` disagrees with the bookings)."""
    from marketplace import db
    from marketplace.bookings.models import Booking, Slot
    from marketplace.bookings.types import HOLDING

    await db.init_db(url)
    try:
        held: Counter[int] = Counter()
        rows = await Booking.filter(state__in=list(HOLDING)).values_list("slot_id", "party_size")
        for slot_id, party in rows:
            held[slot_id] += party
        slots = await Slot.all()
        over = sum(held[s.id] > s.capacity for s in slots)
        wrong = sum(held[s.id] != s.taken for s in slots)
        return len(slots), over, wrong
    finally:
        await db.close_db()


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def bench(kind: str, args: argparse.Namespace, city: City, tmp: Path) -> str:
    from tests.support.live_server import LiveServer
    from tests.support.pg_cluster import PostgisCluster

    cluster = PostgisCluster() if kind == "postgis" else None
    try:
        url = cluster.start() if cluster else f"sqlite://{tmp}/bookings.sqlite3"
        listing_id, offering_ids = asyncio.run(_seed(city, url, args.offerings, args.clients))
        # every client signs in from the same loopback address within a second
        os.environ.setdefault("LOGIN_MAX_FAILURES_PER_IP", str(10 * args.clients))
        server = LiveServer(url, Path(args.city), tmp / f"{kind}-server.log")
        server.start()
        try:
            run = asyncio.run(_load(server.url, city, listing_id, offering_ids, args))
        finally:
            server.stop()
        if any(not k.startswith(("201", "409")) for k in run.statuses):
            log = server.log_path.read_text(errors="replace").splitlines()
            print("\n".join(["server log (end):", *log[-15:]]), flush=True)
        checked, over, wrong = asyncio.run(_overbooked(url))
    finally:
        if cluster:
            cluster.stop()
    lat, total = run.latencies, sum(run.statuses.values())
    held, full = run.statuses["201 held"], run.statuses["409 slot_full"]
    others = {k: v for k, v in run.statuses.items() if k not in ("201 held", "409 slot_full")}
    return (
        f"{kind:8} {total:>7} {held:>6} {held / run.seconds:>9.1f} {percentile(lat, 50):>8.1f} "
        f"{percentile(lat, 95):>8.1f} {percentile(lat, 99):>8.1f} {full:>9} "
        f"{sum(others.values()):>6} {checked:>6} {over:>5} {wrong:>6}"
        + (f"   other answers: {dict(others)}" if others else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--city", required=True, help="a city directory, e.g. cities/<slug>")
    parser.add_argument("--offerings", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--holds", type=int, default=0, help="stop after this many (not time)")
    parser.add_argument("--databases", default="sqlite,postgis")
    args = parser.parse_args()
    city = load_city(args.city)
    places = args.offerings * len(SLOTS) * DAYS * CAPACITY
    print(
        f"{args.clients} clients, {args.offerings} offerings, {places} places in "
        f"{args.offerings * len(SLOTS) * DAYS} slots, "
        + (f"{args.holds} holds" if args.holds else f"{args.seconds:g} s"),
        flush=True,
    )
    rows = []
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(bench(kind, args, city, Path(tmp)))
            print(rows[-1], flush=True)
    print()
    print(
        f"{'database':8} {'posts':>7} {'held':>6} {'holds/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'slot_full':>9} {'other':>6} {'slots':>6} {'over':>5} {'taken≠':>6}"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
