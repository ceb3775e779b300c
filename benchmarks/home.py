"""The home page that knows you: p50/p95/p99 of GET / on a seeded demo city, per kind of visitor.

    .venv/bin/python benchmarks/home.py --city cities/changzhou [--count 600] [--requests 600]
        [--clients 4] [--databases sqlite,postgis]

For each database it migrates an empty one (SQLite in a temporary directory; PostgreSQL + PostGIS
on a private throwaway cluster), seeds the demo city (`taocity demo seed --count N` + `taocity
search reindex`), and gives one resident 10 favourites and 20 recently viewed listings near the
centre, and the centre's district a week of collected orders (so "popular this week" has
something to rank). A live uvicorn serves it; the clients (kept-alive connections, closed loop)
ask for / as three kinds of visitor, one kind after the other: a guest with a chosen place (the
`tc_place` cookie), a signed-in resident with the same place (every section shown), and a guest
with no place (the city centre). Each kind is warmed first, then timed (latency and requests per
second with `--clients` at once); any answer but 200 is counted as an error. With one client the
figures are the page's own cost; with more, they include waiting for the one web process.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.city import City, load_city

PASSWORD = "bench-resident-2026"
RESIDENT = "home-bench@example.test"
KINDS = ("guest+place", "resident+place", "guest")
WARM_UP = 30  # requests per kind before timing
ORDERS = 40  # collected orders in the centre's district this week


def place_cookie(city: City) -> str:
    """The cookie a guest who chose the city centre's landmark carries (`web.place`)."""
    c = city.center
    return quote(f"{c.lat},{c.lng},landmark,市中心", safe="")


async def _personalize(city: City, url: str) -> dict[str, int]:
    """A resident with favourites and recent views, and a week of orders near the centre."""
    from geo.coords import LatLng
    from geo.distance import geodesic_m
    from listings.models import Listing
    from listings.types import ListingStatus
    from marketplace import clock, db
    from marketplace.accounts import services as accounts
    from marketplace.favourites import services as favourites
    from marketplace.favourites.popular import district_for
    from marketplace.orders.models import Order
    from marketplace.orders.types import Fulfilment, OrderState

    await db.init_db(url)
    try:
        resident = await accounts.sign_up(RESIDENT, PASSWORD, "首页压测", "zh-CN")
        centre = LatLng(city.center.lat, city.center.lng)
        rows = await Listing.filter(status=ListingStatus.PUBLISHED).only(
            "id", "location", "district"
        )
        near = sorted(rows, key=lambda row: geodesic_m(centre, _lat_lng(row.location)))
        for listing in near[:10]:
            await favourites.save(resident, listing.id)
        for listing in near[10:30]:
            await favourites.record_view(resident, listing.id)
        district = district_for(city.area, centre)
        local = [row for row in rows if row.district == district][:15]
        now = clock.now()
        for n in range(ORDERS if local else 0):
            code = "".join(secrets.choice("23456789BCDFGHJKMNPQRSTVWXZ") for _ in range(8))
            await Order.create(
                code=code,
                resident=resident,
                listing_id=local[n % len(local)].id,
                state=OrderState.PICKED_UP,
                fulfilment=Fulfilment.PICKUP,
                amount=3000,
                currency=city.currency,
                idempotency_key=f"home-bench-{n}",
                request_hash="-",
                code_used_at=now - timedelta(hours=n % 150),
            )
        return {"listings": len(rows), "in_district": len(local)}
    finally:
        await db.close_db()


def _lat_lng(point: object) -> object:
    from geo.coords import LatLng

    return LatLng(lat=point.y, lng=point.x)  # type: ignore[attr-defined]


async def _load(base: str, city: City, args: argparse.Namespace) -> dict[str, list[float]]:
    import httpx

    place = place_cookie(city)
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors = {kind: 0 for kind in KINDS}
    rates: dict[str, float] = {}

    # one sign-in, its session shared by every resident client (sign-ins are rate limited)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        login = await http.post(
            "/api/v1/auth/login", json={"identifier": RESIDENT, "password": PASSWORD}
        )
        login.raise_for_status()
        session = dict(http.cookies.items())

    async def client_of(kind: str) -> httpx.AsyncClient:
        http = httpx.AsyncClient(base_url=base, timeout=60)
        if kind.endswith("+place"):
            http.cookies.set("tc_place", place)
        if kind.startswith("resident"):
            for name, value in session.items():
                http.cookies.set(name, value)
        return http

    async def run(kind: str, count: int, timed: bool) -> None:
        http = await client_of(kind)
        try:
            for _ in range(count):
                t = time.perf_counter()
                response = await http.get("/")
                if timed:
                    samples[kind].append((time.perf_counter() - t) * 1000)
                    errors[kind] += response.status_code != 200
        finally:
            await http.aclose()

    for kind in KINDS:
        await asyncio.gather(*(run(kind, WARM_UP // args.clients + 1, False) for _ in range(2)))
    per_client = max(1, args.requests // (len(KINDS) * args.clients))
    for kind in KINDS:  # one kind at a time, `clients` of it at once
        started = time.perf_counter()
        await asyncio.gather(*(run(kind, per_client, True) for _ in range(args.clients)))
        rates[kind] = per_client * args.clients / (time.perf_counter() - started)
    samples["errors"] = [float(sum(errors.values()))]
    samples["rates"] = [rates[kind] for kind in KINDS]
    return samples


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def bench(kind: str, args: argparse.Namespace, city: City, tmp: Path) -> list[str]:
    from tests.support.live_server import LiveServer
    from tests.support.pg_cluster import PostgisCluster

    cluster = PostgisCluster() if kind == "postgis" else None
    try:
        url = cluster.start() if cluster else f"sqlite://{tmp}/home.sqlite3"
        server = LiveServer(url, Path(args.city), tmp / f"{kind}-server.log")
        server.taocity("db", "migrate")
        server.taocity("demo", "seed", "--count", str(args.count))
        server.taocity("search", "reindex")
        seeded = asyncio.run(_personalize(city, url))
        server.start()
        try:
            samples = asyncio.run(_load(server.url, city, args))
        finally:
            server.stop()
    finally:
        if cluster:
            cluster.stop()
    errors = int(samples.pop("errors")[0])
    rates = dict(zip(KINDS, samples.pop("rates"), strict=True))
    every = [v for values in samples.values() for v in values]
    rows = [
        f"{kind:8} {visitor:15} {len(values):>6} {percentile(values, 50):>8.1f} "
        f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} "
        + (f"{rates[visitor]:>8.1f}" if visitor in rates else f"{'':>8}")
        for visitor, values in [*samples.items(), ("all", every)]
    ]
    rows.append(
        f"{kind:8} {seeded['listings']} listings, {seeded['in_district']} with orders this week "
        f"in the centre's district, {errors} answer(s) other than 200"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--city", required=True, help="a city directory, e.g. cities/<slug>")
    parser.add_argument("--count", type=int, default=600, help="demo listings to seed")
    parser.add_argument("--requests", type=int, default=600, help="timed requests in all")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients per kind")
    parser.add_argument("--databases", default="sqlite")
    args = parser.parse_args()
    city = load_city(args.city)
    print(
        f"GET / on {args.count} demo listings, {args.clients} clients per kind of visitor, "
        f"{args.requests} timed requests",
        flush=True,
    )
    rows = []
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            rows.extend(bench(kind, args, city, Path(tmp)))
    print()
    print(
        f"{'database':8} {'visitor':15} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>8}"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
