"""Bulk import: each row committed or refused whole, reported by line; re-import updates."""

from __future__ import annotations

import pytest

from listings.importing.runner import run_import
from listings.models import Listing, Merchant, Offering
from listings.types import ListingStatus
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.errors import PermissionDenied
from tests.support.import_files import BAD_KINDS, import_csv


@pytest.fixture
async def operator(db: str) -> Account:
    return await accounts.create_operator("importer@example.test", "operator password 1", "导入员")


async def counts() -> tuple[int, int, int]:
    return await Merchant.all().count(), await Listing.all().count(), await Offering.all().count()


async def test_good_rows_commit_and_each_bad_row_is_reported_by_line(
    city: City, operator: Account
) -> None:
    text, bad = import_csv(rows=len(BAD_KINDS) * 4, bad_every=4)
    report = await run_import(city, operator, text, "csv")
    assert report.created == len(BAD_KINDS) * 3
    assert {r.line: r.errors[0].field for r in report.rejected} == bad
    for rejected in report.rejected:
        assert all(e.reason for e in rejected.errors)
    assert await Listing.filter(status=ListingStatus.PUBLISHED).count() == len(BAD_KINDS) * 3
    # nothing of a refused row was written: one merchant per accepted row, no orphans
    assert await counts() == (report.created, report.created, await Offering.all().count())
    assert await Merchant.filter(listings=None).count() == 0


async def test_reimport_updates_instead_of_duplicating(city: City, operator: Account) -> None:
    text, _ = import_csv(rows=8)
    first = await run_import(city, operator, text, "csv")
    assert (first.created, first.updated, first.rejected) == (8, 0, [])
    before = await counts()
    offering_ids = set(await Offering.all().values_list("id", flat=True))
    again = await run_import(
        city, operator, text.replace("测试商户3号", "测试商户3号（新）"), "csv"
    )
    assert (again.created, again.updated, again.rejected) == (0, 8, [])
    assert await counts() == before
    assert set(await Offering.all().values_list("id", flat=True)) == offering_ids
    renamed = await Listing.get(external_id="ext-00003")
    assert renamed.name["zh-CN"] == "测试商户3号（新）"


async def test_dry_run_writes_nothing_but_reports_the_same(city: City, operator: Account) -> None:
    text, bad = import_csv(rows=20, bad_every=5)
    report = await run_import(city, operator, text, "csv", dry_run=True)
    assert report.dry_run and report.created == 16
    assert {r.line for r in report.rejected} == set(bad)
    assert await counts() == (0, 0, 0)


async def test_repeated_external_id_in_one_file_is_refused(city: City, operator: Account) -> None:
    text, _ = import_csv(rows=3)
    lines = text.splitlines()
    text = "\n".join([*lines, lines[1]]) + "\n"
    report = await run_import(city, operator, text, "csv")
    assert report.created == 3
    assert [(r.line, r.errors[0].field) for r in report.rejected] == [(5, "external_id")]
    assert "line 2" in report.rejected[0].errors[0].reason


async def test_jsonl_and_unknown_columns(city: City, operator: Account) -> None:
    good = (
        '{"external_id": "j-1", "vertical": "shop", "category": "fruit", '
        '"name": {"zh-CN": "水果店", "en": "Fruit"}, "lat": 31.78, "lng": 119.96, '
        '"offerings": [{"name": {"zh-CN": "苹果"}, "price": "5", "stock": 3}]}'
    )
    unknown = '{"external_id": "j-2", "vertical": "shop", "colour": "red"}'
    report = await run_import(city, operator, f"{good}\n{unknown}\nnot json\n", "jsonl")
    assert report.created == 1
    assert [(r.line, r.errors[0].field) for r in report.rejected] == [(2, "colour"), (3, "(row)")]
    listing = await Listing.get(external_id="j-1")
    assert (await Offering.get(listing_id=listing.id)).price == 500


async def test_only_operators_import(city: City, operator: Account) -> None:
    resident = await accounts.sign_up("r@example.test", "resident password", "居民", "zh-CN")
    with pytest.raises(PermissionDenied):
        await run_import(city, resident, import_csv(rows=1)[0], "csv")


async def test_two_thousand_rows_with_fifty_bad_commit_1950(city: City, operator: Account) -> None:
    text, bad = import_csv(rows=2000, bad_every=40)
    assert len(bad) == 50
    report = await run_import(city, operator, text, "csv")
    assert (report.created, len(report.rejected)) == (1950, 50)
    assert {r.line: r.errors[0].field for r in report.rejected} == bad
    assert await Listing.all().count() == 1950


async def test_control_characters_in_cells_refuse_the_row_naming_the_column(
    city: City, operator: Account
) -> None:
    # NUL is refused by PostgreSQL itself: without this check the whole import stops on an error
    text, _ = import_csv(rows=3)
    text = text.replace("测试商户2号", "测试商户\x002号", 1)
    good = (
        '{"external_id": "j-1", "vertical": "shop", "category": "fruit", '
        '"name": {"zh-CN": "水果店", "en": "Fruit\\u0007"}, "lat": 31.78, "lng": 119.96}'
    )
    report = await run_import(city, operator, text, "csv")
    assert report.created == 2
    assert [(r.line, r.errors[0].field, r.errors[0].reason) for r in report.rejected] == [
        (4, "name.zh-CN", "must not contain control characters")
    ]
    jsonl = await run_import(city, operator, good, "jsonl")
    assert [(r.line, r.errors[0].field) for r in jsonl.rejected] == [(1, "name.en")]
    assert await Listing.all().count() == 2
