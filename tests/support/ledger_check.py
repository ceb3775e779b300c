"""Whether the books reconcile after a test's money journey.

In the test process `discrepancies()` asks `payments.ledger.reconcile` on the open database. A
live server's database belongs to another process, so `live_discrepancies` asks from a child
process of its own (`python -m tests.support.ledger_check`, with the server's environment),
and only when the ledger grew: counting rows is cheap, starting Python is not.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.ledger import Discrepancy

REPO = Path(__file__).resolve().parents[2]
LEDGER_TABLE = "ledger_entries"


def describe(found: list[Discrepancy]) -> str:
    return "the ledger does not reconcile:\n" + "\n".join(f"  {d}" for d in found)


async def discrepancies() -> list[Discrepancy]:
    """[] when the open database's books reconcile (or it holds no ledger entry at all)."""
    from payments.ledger import reconcile
    from payments.models import LedgerEntry

    if not await LedgerEntry.exists():
        return []
    return await reconcile()


def entry_count(database_url: str) -> int | None:
    """How many ledger entries a SQLite database holds; None when it cannot say (another
    database, or not migrated yet), which callers read as "check it"."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://")
    if not Path(path).exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
            return int(conn.execute(f'SELECT count(*) FROM "{LEDGER_TABLE}"').fetchone()[0])
    except sqlite3.OperationalError:
        return None


def live_discrepancies(env: Mapping[str, str]) -> str:
    """What `reconcile` finds in the database at env's DATABASE_URL, asked from a child process;
    "" when the books reconcile."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.ledger_check"],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return ""
    return done.stdout + done.stderr


async def _check(database_url: str) -> list[Discrepancy]:
    from marketplace import db

    await db.init_db(database_url)
    try:
        return await discrepancies()
    finally:
        await db.close_db()


def main() -> int:
    found = asyncio.run(_check(os.environ["DATABASE_URL"]))
    if found:
        print(describe(found))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
