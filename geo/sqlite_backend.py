"""A Tortoise SQLite engine whose connections know PostGIS's spatial function names.

Tortoise has no public connection hook, so the client is subclassed the way Tortoise's own
regexp-enabled client is. Select it with the engine name `geo.sqlite_backend`.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.sqlite.client import SqliteClient

from geo.sqlite_functions import FUNCTIONS


class SpatialSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        fresh = self._connection is None
        await super().create_connection(with_db)
        if fresh and self._connection is not None:
            for name, arity, fn in FUNCTIONS:
                await self._connection.create_function(name, arity, fn, deterministic=True)


client_class = SpatialSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return SpatialSqliteClient
