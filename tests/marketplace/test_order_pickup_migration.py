"""Migration 0016 on both databases: going back turns an accepted order into the old
"preparing" (the shop accepted it) and drops the pickup time; coming forward gives every
existing order the time it was placed as its pickup time, its state kept."""

from __future__ import annotations

import importlib

from tortoise import connections

from marketplace import db as database
from marketplace.orders.models import Order
from marketplace.orders.services import advance_order
from marketplace.orders.types import OrderState
from tests.support.bookables import confirmed_order, shop_with_stock
from tests.support.factories import make_account

MIGRATION = "0015_order_pickup"


async def _migrate_to(target: str | None) -> None:
    from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

    executor = MigrationExecutor(
        connections.get("default"),
        {database.APP_LABEL: database.tortoise_config("sqlite://:memory:")["apps"]["taocity"]},
    )
    targets = None if target is None else [MigrationTarget(database.APP_LABEL, target)]
    await executor.migrate(targets)


async def _columns(db: str) -> set[str]:
    client = connections.get("default")
    if db == "sqlite":
        _, rows = await client.execute_query("PRAGMA table_info('orders')")
        return {row["name"] for row in rows}
    _, rows = await client.execute_query(
        "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'orders'"
    )
    return {row["name"] for row in rows}


async def test_migration_back_and_forth_keeps_orders_sensible(db: str, city) -> None:
    shop, product = await shop_with_stock(stock=20)
    owner = await (await shop.merchant).owner
    new = await confirmed_order(city, await make_account(), shop, product, 1)
    accepted = await confirmed_order(city, await make_account(), shop, product, 1)
    await advance_order(owner, accepted.id, "accepted")
    preparing = await confirmed_order(city, await make_account(), shop, product, 1)
    for step in ("accepted", "preparing"):
        await advance_order(owner, preparing.id, step)
    migration = importlib.import_module(f"marketplace.migrations.{MIGRATION}")
    (parent,) = migration.Migration.dependencies
    await _migrate_to(parent[1])
    try:
        assert "pickup_at" not in await _columns(db)
        _, rows = await connections.get("default").execute_query(
            'SELECT "id", "state" FROM "orders" ORDER BY "id"'
        )
        assert [(r["id"], r["state"]) for r in rows] == [
            (new.id, "confirmed"),
            (accepted.id, "preparing"),
            (preparing.id, "preparing"),
        ]
    finally:
        await _migrate_to(None)
    assert "pickup_at" in await _columns(db)
    for order in await Order.all():
        assert order.pickup_at == order.created_at
    states = {o.id: o.state for o in await Order.all()}
    assert states == {
        new.id: OrderState.CONFIRMED,
        accepted.id: OrderState.PREPARING,
        preparing.id: OrderState.PREPARING,
    }
    applied, pending = await database.migration_status()
    assert pending == [] and f"taocity.{MIGRATION}" in applied
