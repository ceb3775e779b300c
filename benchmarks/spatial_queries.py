"""Time the spatial queries a resident's "near me" search leans on, on SQLite and PostGIS.

Fills a scratch database with N listings scattered over the city, then runs radius, nearest-first
and "serves this address" queries from random points inside the city and prints p50/p95.

    .venv/bin/python benchmarks/spatial_queries.py --city cities/changzhou --listings 20000
    .venv/bin/python benchmarks/spatial_queries.py --city DIR --database-url postgres://...

Without --database-url it measures a temporary SQLite file and a private PostGIS cluster (needs
the Debian packages scripts/test installs).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shapely.geometry import Point
from tortoise.transactions import in_transaction

from geo.coords import LatLng
from geo.expressions import covering, nearest_first, within_radius
from listings.models import Listing, Merchant
from listings.types import ListingStatus, MerchantStatus, Vertical
from marketplace import db
from marketplace.accounts.models import Account
from marketplace.city import City, load_city


def random_point_in(city: City, rng: random.Random) -> LatLng:
    west, south, east, north = city.area.boundary.bounds
    while True:
        p = LatLng(rng.uniform(south, north), rng.uniform(west, east))
        if city.area.contains(p):
            return p


async def fill(city: City, n: int, rng: random.Random) -> None:
    owner = await Account.create(
        email="bench@example.test", password_hash="-", display_name="bench", locale="en"
    )
    merchant = await Merchant.create(
        name={"en": "bench"}, owner=owner, status=MerchantStatus.APPROVED
    )
    rows = []
    for i in range(n):
        p = random_point_in(city, rng)
        area = Point(p.lng, p.lat).buffer(0.03, quad_segs=8) if i % 4 == 0 else None
        rows.append(
            Listing(
                merchant=merchant,
                vertical=Vertical.SHOP,
                category="grocery",
                name={"en": f"listing {i}"},
                location=p.to_point(),
                service_area=area,
                status=ListingStatus.PUBLISHED,
            )
        )
    async with in_transaction():
        await Listing.bulk_create(rows, batch_size=1000)


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1] if len(samples) > 1 else samples[0]


async def measure(
    url: str, city: City, listings: int, queries: int
) -> dict[str, tuple[float, float]]:
    await db.migrate(url)
    await db.init_db(url)
    rng = random.Random(42)
    try:
        await fill(city, listings, rng)
        kinds = {
            "radius 3 km": lambda p: within_radius(Listing.all(), "location", p, 3000).limit(20),
            "nearest 20": lambda p: nearest_first(Listing.all(), "location", p).limit(20),
            "serves address": lambda p: covering(Listing.all(), "service_area", p).limit(20),
        }
        results = {}
        for name, build in kinds.items():
            samples = []
            for _ in range(queries):
                here = random_point_in(city, rng).to_point()
                started = time.perf_counter()
                await build(here)
                samples.append((time.perf_counter() - started) * 1000)
            results[name] = (percentile(samples, 50), percentile(samples, 95))
        return results
    finally:
        await db.close_db()


def report(label: str, results: dict[str, tuple[float, float]]) -> None:
    for name, (p50, p95) in results.items():
        print(f"{label:8} {name:16} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", help="measure only this (empty) database")
    parser.add_argument("--city", required=True, help="a city directory, e.g. cities/<slug>")
    args = parser.parse_args()
    city = load_city(args.city)
    print(f"{args.listings} listings, {args.queries} queries of each kind")
    if args.database_url:
        report("given", asyncio.run(measure(args.database_url, city, args.listings, args.queries)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.sqlite3"
        report("sqlite", asyncio.run(measure(url, city, args.listings, args.queries)))
    from tests.support.pg_cluster import PostgisCluster

    cluster = PostgisCluster()
    try:
        url = cluster.start()
        report("postgis", asyncio.run(measure(url, city, args.listings, args.queries)))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
