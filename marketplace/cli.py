"""The `taocity` command line."""

from __future__ import annotations

import asyncio
import sys

import click

from marketplace.errors import MarketplaceError
from marketplace.settings import Settings


class _Commands(click.Group):
    """Prints a user's mistake (a bad setting, an invalid value) as one line and exits 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MarketplaceError as exc:
            click.echo(f"error: {exc.message}", err=True)
            ctx.exit(2)


@click.group(cls=_Commands)
def main() -> None:
    """Taocity: a city's own local-services marketplace."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations to DATABASE_URL."""
    from marketplace import db as database

    settings = Settings()
    applied = asyncio.run(database.migrate(settings.database_url))
    for name in applied:
        click.echo(f"applied {name}")
    click.echo(f"database is up to date ({len(applied)} migration(s) applied now)")


@db.command("makemigrations")
@click.argument("name", required=False)
def db_makemigrations(name: str | None) -> None:
    """Write a migration for model changes (developers; edit in GIST steps for new geometry)."""
    from tortoise.cli import cli as tortoise_cli
    from tortoise.config import TortoiseConfig

    from marketplace import db as database

    config = TortoiseConfig.resolve_args(database.tortoise_config("sqlite://:memory:"), None)
    tortoise_cli._load_config = lambda _ctx: config  # the CLI reads config from its own sources
    context = tortoise_cli.CLIContext(config=None, config_file=None)
    asyncio.run(tortoise_cli.makemigrations(context, (), False, name))


@db.command("status")
def db_status() -> None:
    """List applied and pending migrations; exit 1 when some are pending."""
    from marketplace import db as database

    async def status() -> tuple[list[str], list[str]]:
        await database.init_db(Settings().database_url)
        try:
            return await database.migration_status()
        finally:
            await database.close_db()

    applied, pending = asyncio.run(status())
    for name in applied:
        click.echo(f"[x] {name}")
    for name in pending:
        click.echo(f"[ ] {name}")
    sys.exit(1 if pending else 0)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    envvar="WEB_CONCURRENCY",
    help="Serving processes, each on its own SO_REUSEPORT socket (WEB_CONCURRENCY).",
)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the city in CITY_DIR: one process (the embedded set-up) or several (production).

    X-Forwarded-For and -Proto are believed only from the proxies in TRUSTED_PROXIES."""
    from marketplace.serving import ServeOptions
    from marketplace.serving import serve as run

    settings = Settings()
    settings.session_keys()  # no serving without a real SESSION_SECRET
    settings.require_city_dir()
    # uvicorn reads the proxy headers from the same list the app does, never from another one
    proxies = ",".join(str(network) for network in settings.trusted_proxy_networks())
    run(ServeOptions(host, port, workers, proxies, log_level))


@main.command()
@click.option("--once", is_flag=True, help="Run each due job once and exit.")
def worker(once: bool) -> None:
    """Run background jobs against DATABASE_URL until stopped."""
    from marketplace.worker import run_worker

    asyncio.run(run_worker(Settings(), once=once))


def _attach_subcommands() -> None:
    from listings.importing.cli import import_group
    from marketplace.accounts.cli import operator
    from marketplace.city.cli import city
    from marketplace.demo.cli import demo
    from search.cli import search_group

    for group in (city, operator, demo, import_group, search_group):
        main.add_command(group)


_attach_subcommands()
