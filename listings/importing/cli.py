"""`taocity import listings FILE`: load merchants and listings in bulk."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketplace.settings import Settings

if TYPE_CHECKING:
    from listings.importing.runner import ImportReport


@click.group("import")
def import_group() -> None:
    """Bulk imports for operators."""


@import_group.command("listings")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--operator", "operator_email", required=True, help="The operator importing.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by suffix.")
def import_listings(file: Path, operator_email: str, dry_run: bool, fmt: str | None) -> None:
    """Import one merchant and listing per row of a CSV or JSON Lines FILE.

    Rows are matched by external_id, so importing again updates. Rejected rows are listed as
    `line N: field: reason`; the exit status is 2 when any row was rejected.
    """
    from listings.importing.runner import run_import
    from listings.importing.source import detect_format
    from marketplace import db
    from marketplace.accounts.services import find_account, parse_identifier
    from marketplace.city import load_city

    settings = Settings()
    city = load_city(settings.require_city_dir())
    text = file.read_text(encoding="utf-8-sig")
    fmt = detect_format(file.name, fmt)

    async def run() -> ImportReport:
        await db.init_db(settings.database_url)
        try:
            operator = await find_account(parse_identifier(operator_email))
            if operator is None:
                raise click.ClickException(f"--operator: no account {operator_email}")
            return await run_import(city, operator, text, fmt, dry_run=dry_run)
        finally:
            await db.close_db()

    report = asyncio.run(run())
    for rejected in report.rejected:
        for line in rejected.lines():
            click.echo(line)
    click.echo(report.summary())
    sys.exit(2 if report.rejected else 0)
