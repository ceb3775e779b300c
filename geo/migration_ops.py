"""Migration steps that only PostgreSQL needs: the PostGIS extension and GIST indexes.

Tortoise's native migrations ignore a custom index type, so these run as `RunPython` steps that do
nothing on SQLite, keeping one set of migrations for both databases.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

MigrationStep = Callable[[Any, Any], Awaitable[None]]


def _is_postgres(schema_editor: Any) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def create_postgis(apps: Any, schema_editor: Any) -> None:
    if _is_postgres(schema_editor):
        await schema_editor.client.execute_script("CREATE EXTENSION IF NOT EXISTS postgis")


def gist_index(table: str, column: str) -> MigrationStep:
    async def create(apps: Any, schema_editor: Any) -> None:
        if _is_postgres(schema_editor):
            await schema_editor.client.execute_script(
                f'CREATE INDEX IF NOT EXISTS "{table}_{column}_gist" '
                f'ON "{table}" USING GIST ("{column}")'
            )

    return create


def drop_gist_index(table: str, column: str) -> MigrationStep:
    async def drop(apps: Any, schema_editor: Any) -> None:
        if _is_postgres(schema_editor):
            await schema_editor.client.execute_script(
                f'DROP INDEX IF EXISTS "{table}_{column}_gist"'
            )

    return drop


async def noop(apps: Any, schema_editor: Any) -> None:
    return None
