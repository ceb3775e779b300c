"""`taocity import listings` as an operator runs it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.cli import main
from tests.conftest import CITY_DIR
from tests.support.import_files import import_csv


def test_import_command_reports_rejected_lines_and_exits_2(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"

    async def prepare() -> None:
        await db.migrate(url)
        await db.init_db(url)
        await accounts.create_operator("ops@example.test", "operator password 1", "运营")
        await db.close_db()

    asyncio.run(prepare())
    text, bad = import_csv(rows=12, bad_every=6)
    source = tmp_path / "merchants.csv"
    source.write_text(text, encoding="utf-8")
    env = {"DATABASE_URL": url, "CITY_DIR": str(CITY_DIR)}
    runner = CliRunner()

    dry = runner.invoke(
        main,
        ["import", "listings", str(source), "--operator", "ops@example.test", "--dry-run"],
        env=env,
    )
    assert dry.exit_code == 2, dry.output
    assert "10 would be created" in dry.output

    done = runner.invoke(
        main, ["import", "listings", str(source), "--operator", "ops@example.test"], env=env
    )
    assert done.exit_code == 2, done.output
    assert "10 were created, 0 were updated, 2 rejected" in done.output
    for line, field in bad.items():
        assert f"line {line}: {field}: " in done.output

    unknown = runner.invoke(
        main, ["import", "listings", str(source), "--operator", "nobody@example.test"], env=env
    )
    assert unknown.exit_code != 0 and "no account nobody@example.test" in unknown.output
