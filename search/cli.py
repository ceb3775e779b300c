"""`taocity search reindex`: rebuild the configured city's index from the database."""

from __future__ import annotations

import asyncio

import click

from marketplace.settings import Settings


@click.group("search")
def search_group() -> None:
    """The search index."""


@search_group.command("reindex")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(min=1))
def reindex_command(batch: int) -> None:
    """Clear CITY_DIR's index and index every published listing in DATABASE_URL.

    Outbox rows the rebuild made redundant are removed, so a worker started afterwards does not
    write the same listings again. With the embedded index, stop the worker first: an index has
    one writer.
    """
    # imported here so that `taocity --help` does not load the ORM and the engine
    from marketplace import db
    from marketplace.city import load_city
    from search.factory import engine_for
    from search.reindex import reindex

    settings = Settings()

    async def run() -> str:
        city = load_city(settings.require_city_dir())
        engine = engine_for(city, settings)
        await db.init_db(settings.database_url)
        try:
            report = await reindex(city, engine, batch=batch)
        finally:
            await engine.close()
            await db.close_db()
        return (
            f"indexed {report.indexed} listing(s) in {report.seconds:.2f} s; "
            f"{report.cleared} outbox row(s) made redundant removed"
        )

    click.echo(asyncio.run(run()))
