"""Seeding the demo catalogue into SQLite and PostGIS, and `taocity demo seed`."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from listings.models import Listing, Merchant, MerchantStaff, Offering
from listings.types import ListingStatus, MerchantStatus
from marketplace import db as database
from marketplace.accounts import Role
from marketplace.accounts.errors import BadCredentials
from marketplace.accounts.models import Account
from marketplace.accounts.services import authenticate
from marketplace.city import City
from marketplace.demo.catalog import generate_catalog
from marketplace.demo.cli import demo
from marketplace.demo.seed import MERCHANT_OWNERS, OPERATOR, RESIDENT, seed_demo

CITY_DIR = Path(__file__).resolve().parents[2] / "cities" / "changzhou"


async def row_counts() -> dict[str, int]:
    return {
        "accounts": await Account.all().count(),
        "merchants": await Merchant.all().count(),
        "staff": await MerchantStaff.all().count(),
        "listings": await Listing.all().count(),
        "offerings": await Offering.all().count(),
    }


async def test_seed_writes_what_it_reports_once(db: str, city: City) -> None:
    report = await seed_demo(city)

    assert not report.already_seeded
    assert await row_counts() == {
        "accounts": 14,
        "merchants": 600,
        "staff": 600,
        "listings": 600,
        "offerings": report.offerings,
    }
    assert (report.listings, report.merchants, report.accounts_created) == (600, 600, 14)
    assert report.offerings == sum(len(i.offerings) for i in generate_catalog(city))
    rows = await Listing.all().values("vertical", "district", "status")
    assert dict(Counter(r["vertical"] for r in rows)) == {
        k: v for k, v in (report.by_vertical or {}).items() if v
    }
    assert dict(Counter(r["district"] for r in rows)) == report.by_district
    assert {r["status"] for r in rows} == {ListingStatus.PUBLISHED}
    assert await Merchant.filter(status=MerchantStatus.APPROVED).count() == 600
    owners = await Merchant.all().distinct().values_list("owner_id", flat=True)
    assert len(set(owners)) == len(MERCHANT_OWNERS)

    again = await seed_demo(city)

    assert again.already_seeded and again.listings == 600
    assert again.summary() == "already seeded (600 listings)"
    assert await row_counts() == {
        "accounts": 14,
        "merchants": 600,
        "staff": 600,
        "listings": 600,
        "offerings": report.offerings,
    }


async def test_rows_match_the_catalogue_and_accounts_sign_in(db: str, city: City) -> None:
    await seed_demo(city, count=120, seed=11)
    catalog = {i.external_id: i for i in generate_catalog(city, 120, 11)}

    listings = await Listing.all().prefetch_related("offerings", "merchant")
    assert len(listings) == 120
    for row in listings:
        item = catalog[str(row.external_id)]
        assert abs(row.location.y - item.point.lat) < 1e-9
        assert abs(row.location.x - item.point.lng) < 1e-9
        if item.service_area is None:
            assert row.service_area is None
        else:
            assert row.service_area.equals_exact(item.service_area, 1e-9)
        assert (row.name, row.address, row.district) == (item.name, item.address, item.district)
        assert (row.weekly_hours, row.attributes, row.tags) == (
            item.weekly_hours,
            item.attributes,
            item.tags,
        )
        assert row.merchant.name == item.name
        offerings = sorted(row.offerings, key=lambda o: o.sort_order)
        assert [(o.name, o.price, o.stock) for o in offerings] == [
            (o.name, o.price, o.stock) for o in item.offerings
        ]

    operator = await authenticate(OPERATOR.email, OPERATOR.password, "127.0.0.1")
    assert operator.has_role(Role.OPERATOR)
    resident = await authenticate(RESIDENT.email, RESIDENT.password, "127.0.0.1")
    assert resident.display_name == "小陈" and resident.has_role(Role.RESIDENT)
    owner = MERCHANT_OWNERS[0]
    merchant = await authenticate(owner.email, "demo-merchant-2026", "127.0.0.1")
    assert merchant.has_role(Role.MERCHANT_STAFF)
    assert await Merchant.filter(owner_id=merchant.id).count() == 10  # 120 over 12 owners
    with pytest.raises(BadCredentials):
        await authenticate(RESIDENT.email, "not-the-password", "127.0.0.1")


def test_cli_seeds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    asyncio.run(database.migrate(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CITY_DIR", str(CITY_DIR))
    runner = CliRunner()

    first = runner.invoke(demo, ["seed", "--count", "30", "--seed", "5"])
    second = runner.invoke(demo, ["seed", "--count", "30"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith("seeded 30 listings")
    assert "by district:" in first.output
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "already seeded (30 listings)"
