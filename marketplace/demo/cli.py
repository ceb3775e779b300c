"""`taocity demo seed`: fill the configured city with demo merchants, listings and accounts."""

from __future__ import annotations

import asyncio

import click

from marketplace.demo import DEFAULT_COUNT, DEFAULT_SEED
from marketplace.errors import MarketplaceError
from marketplace.settings import Settings


@click.group("demo")
def demo() -> None:
    """Demo data for trying the marketplace out (never on a live city)."""


@demo.command("seed")
@click.option(
    "--count",
    default=DEFAULT_COUNT,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many listings (one merchant each).",
)
@click.option(
    "--seed",
    "seed_value",
    default=DEFAULT_SEED,
    show_default=True,
    type=int,
    help="Random seed: the same seed gives the same catalogue.",
)
def seed(count: int, seed_value: int) -> None:
    """Seed DATABASE_URL with demo data for CITY_DIR; does nothing if already seeded."""
    # imported here so that `taocity --help` does not load the ORM and geometry libraries
    from marketplace import db
    from marketplace.city import load_city
    from marketplace.demo.seed import seed_demo

    settings = Settings()

    async def run() -> str:
        city = load_city(settings.require_city_dir())
        await db.init_db(settings.database_url)
        try:
            report = await seed_demo(city, count=count, seed=seed_value)
        finally:
            await db.close_db()
        return report.summary()

    try:
        click.echo(asyncio.run(run()))
    except MarketplaceError as exc:
        raise click.ClickException(exc.message) from None
