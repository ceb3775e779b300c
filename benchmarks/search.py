"""Search latency and correctness: the embedded tantivy engine at city scale, against its targets.

    .venv/bin/python benchmarks/search.py --city cities/changzhou --sizes 10000,100000 --queries 500
    .venv/bin/python benchmarks/search.py --city DIR --sizes 10000 --http --postgis

For each size it builds documents from the demo catalogue (bilingual, all verticals, spread over
the city), indexes them with `TantivyEngine` in a temporary directory (build time, size on disk),
runs a realistic query mix in-process (p50/p95/p99; 200 other queries, the mix of the next seed,
warm every path first), and checks 200 sampled queries against the
brute-force `ReferenceEngine` (ids in order, totals, facet counts and distances). The documents
and the generated catalogue are moved out of the garbage collector's reach (`gc.freeze`) before
timing: a web process does not hold 100,000 documents as Python objects, and full collections of
them would otherwise be timed as search latency. With --http the same mix goes through
/api/v1/search of a live server with 8 concurrent clients (closed loop, in this process). The
server is run as the Procfile runs production, on the embedded parts: SQLite (`taocity demo
seed` + `taocity search reindex`), `taocity serve --workers 2` (one process per core of the
2-core reference machine, each on its own SO_REUSEPORT socket; `--workers` sets it) with
JOBS_IN_WEB=false, so the web processes only serve and read the index, and one `taocity
worker` process that runs the jobs and is the index's only writer (tantivy allows one writer per
index). Searches are timed once that worker has applied the outbox rows the seed left (searches
timed during that backlog would measure the writes, not a server in steady state). With
--postgis the geo+text queries are answered by plain SQL (`ST_DWithin` + `name::text ILIKE`) on
a private PostGIS cluster holding the same listings, as a peer line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listings.hours import Schedule, weekly_minute_ranges
from listings.pricing import headline_price
from marketplace.city import City, load_city
from marketplace.demo import DEFAULT_SEED
from marketplace.demo.catalog import DemoListing, generate_catalog
from marketplace.errors import ValidationFailed
from search.city_query import SearchParams, build_query
from search.documents import ListingDocument
from search.interfaces import SearchQuery
from search.reference import ReferenceEngine
from search.tantivy_engine import TantivyEngine

SAMPLE = 200  # queries checked against the reference
WARM_UP = 200  # other queries, from another seed, before timing
CLIENTS = 8
NOW = datetime(2026, 11, 18, 4, 30, tzinfo=UTC)  # a Wednesday, 12:30 in the city
TARGETS = {"in-process p95": 10.0, "http p95": 40.0, "mismatches": 0.0}
SORTS = ("relevance", "distance", "rating", "price_asc", "price_desc")
FACETS = ("vertical", "category", "district", "tags")


def document(city: City, i: int, item: DemoListing) -> ListingDocument:
    category = city.category(item.vertical, item.category)
    headline = headline_price(
        item.vertical,
        item.attributes,
        ((o.price, bool(o.attributes.get("trial"))) for o in item.offerings),
    )
    try:
        minutes = tuple(weekly_minute_ranges(Schedule.from_json(item.weekly_hours)))
    except ValidationFailed:
        minutes = ()
    return ListingDocument(
        id=i,
        vertical=item.vertical,
        category=item.category,
        district=item.district,
        tags=tuple(item.tags),
        name=dict(item.name),
        description=dict(item.description),
        category_name=dict(category.name) if category is not None else {},
        offering_names=tuple(t for o in item.offerings for t in o.name.values()),
        lat=item.point.lat,
        lng=item.point.lng,
        service_area=item.service_area,
        price_from=headline[1] if headline else None,
        price_to=max((o.price for o in item.offerings), default=None),
        rating_avg=item.rating_avg,
        rating_count=item.rating_count,
        open_minutes=minutes,
    )


# --- the query mix -------------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two neighbours swapped


def _text(doc: ListingDocument, rng: random.Random) -> tuple[str, bool]:
    """Words a resident might type for this listing, and whether they are plain (ILIKE-able)."""
    zh = doc.name.get("zh-CN", "")
    words = [w.strip("'’.,") for w in doc.name.get("en", "").split()]
    words = [w for w in words if len(w) >= 3 and w.isascii()]
    roll = rng.random()
    if roll < 0.45 and len(zh) >= 2:
        start = rng.randrange(0, len(zh) - 1)
        return zh[start : start + rng.choice((2, 2, 3))], True
    if not words:
        return "", True
    word = rng.choice(words).lower()
    if roll < 0.65 and len(word) >= 5:
        return _typo(word, rng), False
    if roll < 0.85 and len(word) >= 4:
        return word[: rng.randint(3, len(word) - 1)], True  # typing, last word a prefix
    return word, True


def query_mix(
    city: City, docs: list[ListingDocument], count: int, seed: int
) -> list[tuple[dict[str, Any], str | None]]:
    """(API parameters, plain text for the SQL baseline or None) for `count` queries."""
    rng = random.Random(seed)
    mix = []
    for _ in range(count):
        doc = rng.choice(docs)
        params: dict[str, Any] = {}
        plain: str | None = None
        if rng.random() < 0.75:
            text, simple = _text(doc, rng)
            params["q"] = text
        else:
            text, simple = "", True
        if rng.random() < 0.3:
            params["vertical"] = [doc.vertical.value]
        elif rng.random() < 0.3:
            params["category"] = [doc.category]
        radius = rng.random() < 0.7
        if radius:
            near = rng.choice(docs)  # points where people are: near listings
            params["lat"] = f"{near.lat + rng.uniform(-0.01, 0.01):.6f}"
            params["lng"] = f"{near.lng + rng.uniform(-0.01, 0.01):.6f}"
            params["radius_m"] = str(rng.choice((1000, 2000, 3000, 5000)))
            if text and simple and "vertical" not in params and "category" not in params:
                plain = text
        if rng.random() < 0.3:
            params["open_now"] = "true"
        sort = rng.choice(SORTS if radius else SORTS[:1] + SORTS[2:])
        if sort != "relevance":
            params["sort"] = sort
        if rng.random() < 0.4:
            params["facets"] = rng.sample(FACETS, rng.randint(1, 3))
        mix.append((params, plain))
    return mix


def to_query(city: City, params: dict[str, Any]) -> SearchQuery | None:
    try:
        return build_query(city, SearchParams(**params), NOW)
    except ValidationFailed:
        return None  # e.g. a point just outside the city


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        return (samples[0],) * 3 if samples else (float("nan"),) * 3
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


def shape(q: SearchQuery) -> str:
    text = "text" if q.text.strip() else "no text"
    geo = "radius" if q.geo is not None else "whole city"
    return f"{text}, {geo}" + (", facets" if q.facets else "")


def by_shape(queries: list[SearchQuery], samples: list[float]) -> list[str]:
    groups: dict[str, list[float]] = {}
    for q, ms in zip(queries, samples, strict=True):
        groups.setdefault(shape(q), []).append(ms)
    return [
        f"{'':7} {'  ' + name:28} {len(v):>5} {fmt(percentiles(v))}"
        for name, v in sorted(groups.items())
    ]


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- in-process ----------------------------------------------------------------------------------


async def in_process(
    docs: list[ListingDocument], queries: list[SearchQuery], warm: list[SearchQuery], tmp: Path
) -> dict[str, Any]:
    engine = TantivyEngine(tmp / "index")
    await engine.prepare()
    started = time.perf_counter()
    for i in range(0, len(docs), 5000):
        await engine.upsert(docs[i : i + 5000])
    build_s = time.perf_counter() - started
    size = dir_size(tmp / "index")
    gc.collect()
    gc.freeze()
    try:
        for q in warm:
            await engine.search(q)
        samples = []
        for q in queries:
            t = time.perf_counter()
            await engine.search(q)
            samples.append((time.perf_counter() - t) * 1000)
        reference = ReferenceEngine()
        await reference.upsert(docs)
        mismatches, hits = 0, 0
        for q in queries[:SAMPLE]:
            got, want = await engine.search(q), await reference.search(q)
            same = [h.listing_id for h in got.hits] == [h.listing_id for h in want.hits]
            same &= [h.distance_m for h in got.hits] == [h.distance_m for h in want.hits]
            if not same or got.total != want.total or got.facets != want.facets:
                mismatches += 1
            hits += want.total > 0
        return {
            "build_s": build_s,
            "size_mb": size / 1e6,
            "lat": percentiles(samples),
            "shapes": by_shape(queries, samples),
            "samples": samples,
            "mismatches": mismatches,
            "checked": min(SAMPLE, len(queries)),
            "nonempty": hits,
        }
    finally:
        await engine.close()


# --- through HTTP --------------------------------------------------------------------------------


def _request_line(params: dict[str, Any]) -> bytes:
    from urllib.parse import urlencode

    query = urlencode(params, doseq=True)
    return f"GET /api/v1/search?{query} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


async def _clients(base: str, mix: list[dict[str, Any]]) -> tuple[list[float], int]:
    """8 kept-alive connections, each sending its next request when the last is answered.
    Plain HTTP/1.1 on asyncio streams: the clients share the server's two cores, and a full
    client library spends about 2 ms of CPU per request that the server would then lack."""
    from urllib.parse import urlsplit

    where = urlsplit(base)
    pending = [_request_line(params) for params in mix]
    samples: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(where.hostname, where.port)
        try:
            while pending:
                request = pending.pop()
                t = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                samples.append((time.perf_counter() - t) * 1000)
                errors += head.split(b" ", 2)[1] != b"200"
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return samples, errors


def _server(database_url: str, city_dir: Path, log_path: Path, workers: int) -> Any:
    """A LiveServer run as production runs: `workers` uvicorn processes that only serve, and one
    `taocity worker` that runs the jobs and alone writes the index."""
    import subprocess

    from tests.support.live_server import REPO, LiveServer

    class ProductionShaped(LiveServer):
        worker: subprocess.Popen[bytes] | None = None

        def start(self) -> None:
            self.env = {**self.env, "JOBS_IN_WEB": "false"}
            log = self.log_path.open("ab")
            cli = [sys.executable, "-c", "from marketplace.cli import main; main()"]
            self.worker = subprocess.Popen(
                [*cli, "worker"], env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
            )
            where = ["--host", "127.0.0.1", "--port", str(self.port)]
            self.process = subprocess.Popen(
                [*cli, "serve", *where, "--workers", str(workers), "--log-level", "warning"],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.wait_healthy([self.process, self.worker], 60)

        def stop(self) -> None:
            super().stop()
            self.end(self.worker)

    return ProductionShaped(database_url, city_dir, log_path)


def through_http(
    city_dir: Path,
    size: int,
    mix: list[dict[str, Any]],
    warm: list[dict[str, Any]],
    tmp: Path,
    workers: int,
) -> dict[str, Any]:
    server = _server(f"sqlite://{tmp}/http.sqlite3", city_dir, tmp / "server.log", workers)
    server.taocity("db", "migrate")
    started = time.perf_counter()
    server.taocity("demo", "seed", "--count", str(size))
    server.taocity("search", "reindex")
    prepare_s = time.perf_counter() - started
    server.start()
    try:
        drained_s = _drain(server.url)
        asyncio.run(_clients(server.url, warm))
        samples, errors = asyncio.run(_clients(server.url, mix))
    finally:
        server.stop()
    return {
        "prepare_s": prepare_s,
        "drained_s": drained_s,
        "lat": percentiles(samples),
        "errors": errors,
    }


def _drain(base: str, timeout_s: float = 3600.0) -> float:
    """Wait until the server's embedded worker has applied the seed's outbox rows (the reindex
    already holds them all; applying them again is redundant). A server in steady state has no
    such backlog, and timing searches while it is written would measure the backlog."""
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        lag = httpx.get(f"{base}/healthz", timeout=30).json().get("search") or {}
        if lag.get("pending") == 0:
            break
        time.sleep(2)
    return time.perf_counter() - started


# --- PostGIS-only baseline -----------------------------------------------------------------------

BASELINE_SQL = """
SELECT id FROM listings
WHERE ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)
  AND name::text ILIKE $4
ORDER BY id LIMIT 20
"""


async def _postgis(url: str, docs: list[ListingDocument], geo: list[SearchQuery],
                   texts: list[str]) -> list[float]:  # fmt: skip
    from shapely.geometry import Point
    from tortoise import connections
    from tortoise.transactions import in_transaction

    from listings.models import Listing, Merchant
    from listings.types import ListingStatus, MerchantStatus
    from marketplace import db
    from marketplace.accounts.models import Account

    await db.migrate(url)
    await db.init_db(url)
    try:
        owner = await Account.create(
            email="bench@example.test", password_hash="-", display_name="bench", locale="en"
        )
        merchant = await Merchant.create(
            name={"en": "bench"}, owner=owner, status=MerchantStatus.APPROVED
        )
        rows = [
            Listing(merchant=merchant, vertical=d.vertical, category=d.category, name=d.name,
                    location=Point(d.lng, d.lat), district=d.district,
                    status=ListingStatus.PUBLISHED)
            for d in docs
        ]  # fmt: skip
        async with in_transaction():
            await Listing.bulk_create(rows, batch_size=1000)
        conn = connections.get("default")
        await conn.execute_script("ANALYZE")
        samples = []
        for q, text in zip(geo, texts, strict=True):
            assert q.geo is not None and q.geo.kind == "radius"
            args = [q.geo.center.lng, q.geo.center.lat, q.geo.metres, f"%{text}%"]
            t = time.perf_counter()
            await conn.execute_query(BASELINE_SQL, args)
            samples.append((time.perf_counter() - t) * 1000)
        return samples
    finally:
        await db.close_db()


def postgis_baseline(
    docs: list[ListingDocument], geo: list[SearchQuery], texts: list[str]
) -> tuple[float, float, float]:
    from tests.support.pg_cluster import PostgisCluster

    cluster = PostgisCluster()
    try:
        url = cluster.start()
        return percentiles(asyncio.run(_postgis(url, docs, geo, texts)))
    finally:
        cluster.stop()


# --- the table -----------------------------------------------------------------------------------


def fmt(lat: tuple[float, float, float]) -> str:
    return " ".join(f"{v:8.2f}" for v in lat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--city", required=True, help="a city directory, e.g. cities/<slug>")
    parser.add_argument("--sizes", default="10000,100000", help="listings per run, comma-separated")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--http", action="store_true", help="also measure /api/v1/search")
    parser.add_argument("--postgis", action="store_true", help="also measure the SQL baseline")
    parser.add_argument("--workers", type=int, default=2, help="serving processes with --http")
    parser.add_argument("--shapes", action="store_true", help="in-process latency by query shape")
    args = parser.parse_args()
    city = load_city(args.city)
    rows: list[str] = []
    checks: list[tuple[str, float, float]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        docs = [
            document(city, i + 1, item)
            for i, item in enumerate(generate_catalog(city, size, DEFAULT_SEED))
        ]
        print(f"{size}: {len(docs)} documents in {time.perf_counter() - started:.1f} s", flush=True)
        mix = [
            (p, plain, q)
            for p, plain in query_mix(city, docs, args.queries, args.seed)
            if (q := to_query(city, p)) is not None
        ]
        queries = [q for _, _, q in mix]
        # a server in steady state has served other searches before: its readers, caches and
        # memos are warm, but not with the very queries that are timed
        warm = [
            (p, q)
            for p, _ in query_mix(city, docs, WARM_UP, args.seed + 1)
            if (q := to_query(city, p)) is not None
        ]
        with tempfile.TemporaryDirectory() as tmp:
            r = in_process(docs, queries, [q for _, q in warm], Path(tmp))
            r = asyncio.run(r)
            rows.append(
                f"{size:>7} in-process  {len(queries):>5} {fmt(r['lat'])}   build "
                f"{r['build_s']:.1f} s, index {r['size_mb']:.1f} MB, mismatches "
                f"{r['mismatches']}/{r['checked']} ({r['nonempty']} with hits)"
            )
            print(rows[-1], flush=True)
            if args.shapes:
                rows += r["shapes"]
                print("\n".join(r["shapes"]), flush=True)
            checks += [
                (f"{size} in-process p95 ms", r["lat"][1], TARGETS["in-process p95"]),
                (f"{size} mismatches", r["mismatches"], TARGETS["mismatches"]),
            ]
            if args.http:
                h = through_http(
                    Path(args.city),
                    size,
                    [p for p, _, _ in mix],
                    [p for p, _ in warm],
                    Path(tmp),
                    args.workers,
                )
                rows.append(
                    f"{size:>7} http x{CLIENTS}     {len(mix):>5} {fmt(h['lat'])}   "
                    f"{args.workers} web process(es), seed+reindex "
                    f"{h['prepare_s']:.1f} s, outbox drained {h['drained_s']:.0f} s, "
                    f"non-200 {h['errors']}"
                )
                print(rows[-1], flush=True)
                checks.append((f"{size} http p95 ms", h["lat"][1], TARGETS["http p95"]))
        if args.postgis:
            geo = [
                (q, plain, ms) for (_, plain, q), ms in zip(mix, r["samples"], strict=True) if plain
            ]
            same = percentiles([ms for _, _, ms in geo])
            pg = postgis_baseline(docs, [q for q, _, _ in geo], [t for _, t, _ in geo])
            rows += [
                f"{size:>7} tantivy     {len(geo):>5} {fmt(same)}   the radius + plain text subset",
                f"{size:>7} postgis sql {len(geo):>5} {fmt(pg)}   same subset: ST_DWithin + ILIKE",
            ]
            print("\n".join(rows[-2:]), flush=True)
    print()
    print(f"{'size':>7} {'path':11} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    print("\n".join(rows))
    print()
    for name, value, target in checks:
        met = "met" if value <= target else "NOT met"
        note = "" if name.startswith("100000") else "  (targets are for 100,000)"
        print(f"{name:26} {value:8.2f}  target <= {target:g}  {met}{note}")


if __name__ == "__main__":
    main()
