"""The committed migrations build the schema from empty on both databases and match the models."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from marketplace import db as database


async def test_migrations_applied_from_empty_and_nothing_pending(db: str) -> None:
    applied, pending = await database.migration_status()
    assert pending == []
    assert "taocity.0001_initial" in applied


async def test_migrating_again_applies_nothing(db: str, db_url: str) -> None:
    await database.close_db()
    try:
        assert await database.migrate(db_url) == []
    finally:
        await database.init_db(db_url)


async def test_models_and_migrations_agree(db: str) -> None:
    """A model change without its migration would leave one of the databases behind."""
    apps_config = database.tortoise_config("sqlite://:memory:")["apps"]
    detector = MigrationAutodetector(Tortoise.apps, apps_config)
    writers = await detector.changes()
    assert writers == [], [w.name for w in writers]
