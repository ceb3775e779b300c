"""Writing bookings and orders as the code at migration 0008 did, for migration tests that fill
a database at that schema with today's code: no payable is opened and no code is claimed in
`purchase_codes` (neither table exists yet)."""

from __future__ import annotations

import pytest


async def _nothing(*args: object, **kwargs: object) -> None:
    return None


def write_as_at_0008(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("marketplace.bookings.holds", "marketplace.orders.checkout"):
        monkeypatch.setattr(f"{module}.open_payable", _nothing)
    monkeypatch.setattr("marketplace.purchases.codes.claim", _nothing)


# columns today's models write that the schema at 0008 lacks (added by later migrations):
# present while a test fills the old schema with today's code, gone before it migrates on
LATER_COLUMNS: dict[str, dict[str, str]] = {"orders": {"pickup_at": "TIMESTAMP"}}


async def add_later_columns() -> None:
    from tortoise import connections

    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    for table, columns in LATER_COLUMNS.items():
        for column, sql_type in columns.items():
            sql_type = "TIMESTAMPTZ" if postgres and sql_type == "TIMESTAMP" else sql_type
            await conn.execute_script(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {sql_type}')


async def drop_later_columns() -> None:
    from tortoise import connections

    conn = connections.get("default")
    for table, columns in LATER_COLUMNS.items():
        for column in columns:
            await conn.execute_script(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
