"""Migration 0014 gives the notices written before it the business they are about where that
can be known (an owner of one business), and leaves the rest unassigned; it goes back and
forth, on both databases."""

from __future__ import annotations

import importlib

from tortoise import connections

from listings import onboarding
from marketplace import db as database
from marketplace.accounts import services as accounts
from marketplace.notices.models import Notice
from marketplace.notices.services import notify
from tests.marketplace.test_purchase_codes import _migrate_to
from tests.support.bookables import HOME
from tests.support.factories import make_account

MIGRATION = "0014_merchant_console"


async def _business(city, owner, operator, zh: str):  # type: ignore[no-untyped-def]
    merchant = await onboarding.apply(
        city,
        owner,
        name={"zh-CN": zh, "en": zh},
        vertical="housekeeping",
        category="cleaning",
        address={"zh-CN": "南大街1号"},
        lat=HOME.lat,
        lng=HOME.lng,
        contact_name="王",
        contact_phone="13800000001",
    )
    return await onboarding.approve(operator, merchant)


async def test_older_notices_of_a_single_business_owner_are_given_it(db: str, city) -> None:
    operator = await accounts.create_operator("ops@example.com", "a long pass phrase 42", "运营")
    single = await make_account()
    chain = await make_account()
    only = await _business(city, single, operator, "独一家")
    await _business(city, chain, operator, "连锁一店")
    await _business(city, chain, operator, "连锁二店")
    booking_news = await notify(single, "merchant_booking_confirmed", {"zh-CN": "新预订"})
    residents_own = await notify(single, "booking_confirmed", {"zh-CN": "预订成功"})
    migration = importlib.import_module(f"marketplace.migrations.{MIGRATION}")
    (parent,) = migration.Migration.dependencies
    await _migrate_to(parent[1])
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'merchant_console_choices'"
            if db == "sqlite"
            else "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'merchant_console_choices'"
        )
        assert rows[0]["n"] == 0
    finally:
        await _migrate_to(None)
    mine = await Notice.filter(account_id=single.id).order_by("id")
    by_id = {n.id: n.merchant_id for n in mine}
    assert by_id[booking_news.id] == only.id  # about the one business the owner runs
    assert by_id[residents_own.id] is None  # the owner as a resident: about no business
    approved = [n for n in mine if n.kind == "merchant_approved"]
    assert approved and all(n.merchant_id == only.id for n in approved)
    # an owner of two: which business an old notice was about is not known
    assert {n.merchant_id for n in await Notice.filter(account_id=chain.id)} == {None}
    applied, pending = await database.migration_status()
    assert pending == [] and f"taocity.{MIGRATION}" in applied
