"""Import throughput: rows per second of `run_import` on SQLite and PostGIS.

    .venv/bin/python benchmarks/import_listings.py --city cities/changzhou --rows 2000

Each run starts from an empty, migrated database (a temporary SQLite file; a private PostGIS
cluster unless --database-url names an empty PostGIS database), imports a generated file of
valid rows of all four verticals with a bad row every --bad-every rows, then imports the same
file again (every accepted row becomes an update).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listings.importing.runner import run_import
from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.city import City, load_city
from tests.support.import_files import import_csv


async def measure(url: str, city: City, rows: int, bad_every: int) -> list[str]:
    await db.migrate(url)
    await db.init_db(url)
    try:
        operator = await accounts.create_operator("bench@example.test", "bench password 1", "b")
        text, bad = import_csv(rows=rows, bad_every=bad_every)
        first = await run_import(city, operator, text, "csv")
        again = await run_import(city, operator, text, "csv")
        assert first.created == rows - len(bad) and len(first.rejected) == len(bad)
        return [f"first import  {first.summary()}", f"re-import     {again.summary()}"]
    finally:
        await db.close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--city", required=True, help="a city directory, e.g. cities/<slug>")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--bad-every", type=int, default=40)
    parser.add_argument("--database-url", help="measure only this (empty) database")
    args = parser.parse_args()
    city = load_city(args.city)
    targets: list[tuple[str, str]] = []
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            targets.append(("given", args.database_url))
        else:
            from tests.support.pg_cluster import PostgisCluster

            cluster = PostgisCluster()
            targets += [("sqlite", f"sqlite://{tmp}/bench.sqlite3"), ("postgis", cluster.start())]
        try:
            for label, url in targets:
                for line in asyncio.run(measure(url, city, args.rows, args.bad_every)):
                    print(f"{label:8} {line}")
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
