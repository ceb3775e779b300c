"""The operator console: who may open it, reviewing applications, moderating listings, a
listing's history and the bulk import page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from listings import catalogue, onboarding
from listings.models import Listing, Merchant
from listings.types import ListingStatus, MerchantStatus
from marketplace.accounts import Role
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.notices.models import Notice
from tests.support.import_files import import_csv
from tests.web.conftest import client_for
from tests.web.merchant_helpers import (
    APPLICATION,
    account,
    approved_merchant,
    signed_in,
    visible_text,
)

GET_PAGES = ("/ops", "/ops/merchants", "/ops/listings", "/ops/import")


@asynccontextmanager
async def signed_in_as(
    app: Starlette, who: Account
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client signed in as `who`, and the CSRF token its forms carry."""
    async with client_for(app) as client:
        yield client, await signed_in(client, who)


async def application(city: City, email: str = "wang@example.com") -> Merchant:
    return await onboarding.apply(city, await account(email, "王阿姨"), **APPLICATION)


async def published(city: City, operator: Account, **names: Any) -> Listing:
    """A published restaurant listing of a new approved merchant (金牌家政 by default)."""
    owner = await account(f"owner{await Listing.all().count()}@example.com", "店主")
    merchant = await approved_merchant(city, owner, operator, **names)
    listing = await catalogue.create_listing(
        city,
        owner,
        merchant,
        vertical="restaurant",
        category="noodles",
        name={"zh-CN": "老王面馆", "en": "Old Wang Noodles"},
        lat=APPLICATION["lat"],
        lng=APPLICATION["lng"],
        weekly_hours={"mon": [["09:00", "21:00"]]},
    )
    return await catalogue.publish(owner, listing)


# --- who may open the console ------------------------------------------------------------------


async def test_anonymous_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in (*GET_PAGES, "/ops/listings/1/history"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


async def test_residents_and_merchants_are_refused(
    app: Starlette, city: City, operator: Account
) -> None:
    resident = await account("mei2@example.com", "小美")
    merchant_owner = await account("boss@example.com", "老板")
    listing = await published(city, operator)
    await approved_merchant(city, merchant_owner, operator)
    for who in (resident, merchant_owner):
        async with client_for(app) as client:
            token = await signed_in(client, who)
            for path in (*GET_PAGES, f"/ops/listings/{listing.id}/history"):
                assert (await client.get(path)).status_code == 403, path
            hide = await client.post(
                f"/ops/listings/{listing.id}/hide", data={"csrf_token": token, "reason": "x"}
            )
            assert hide.status_code == 403
            assert "无权" in visible_text(hide.text)
    assert (await Listing.get(id=listing.id)).status == ListingStatus.PUBLISHED


async def test_forms_without_the_csrf_token_are_refused(
    app: Starlette, city: City, operator: Account
) -> None:
    merchant = await application(city)
    async with signed_in_as(app, operator) as (client, _):
        response = await client.post(f"/ops/merchants/{merchant.id}/approve", data={})
    assert response.status_code == 403
    assert (await Merchant.get(id=merchant.id)).status == MerchantStatus.PENDING


async def test_dashboard_counts_and_links(app: Starlette, city: City, operator: Account) -> None:
    await application(city)
    await published(city, operator)
    async with signed_in_as(app, operator) as (client, _):
        response = await client.get("/ops")
    assert response.status_code == 200
    assert re.search(r'data-testid="ops-pending">\s*<span class="o-todo-value">1<', response.text)
    text = visible_text(response.text)
    for expected in ("待审核的入驻申请", "入驻审核", "商户/服务", "批量导入", "概览"):
        assert expected in text
    for link in ('href="/ops/merchants"', 'href="/ops/listings?status=hidden"'):
        assert link in response.text


# --- applications ------------------------------------------------------------------------------


async def test_pending_applications_show_the_applicant_and_business(
    app: Starlette, city: City, operator: Account
) -> None:
    await application(city)
    async with signed_in_as(app, operator) as (client, _):
        text = visible_text((await client.get("/ops/merchants")).text)
    for expected in ("金牌家政", "王阿姨 · wang@example.com", "家政 · 日常保洁", "南大街1号"):
        assert expected in text, expected
    assert "138 0000 0001" in text or "13800000001" in text


async def test_operator_approves_and_the_applicant_is_told(
    app: Starlette, city: City, operator: Account
) -> None:
    merchant = await application(city)
    async with signed_in_as(app, operator) as (client, token):
        response = await client.post(
            f"/ops/merchants/{merchant.id}/approve", data={"csrf_token": token}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/ops/merchants?done=approved"
        page = visible_text((await client.get(response.headers["location"])).text)
    assert "已通过申请，并已通知申请人" in page
    assert "暂无待审核的申请" in page
    merchant = await Merchant.get(id=merchant.id).prefetch_related("owner")
    assert merchant.status == MerchantStatus.APPROVED
    assert merchant.owner.has_role(Role.MERCHANT_STAFF)
    notice = await Notice.get(account_id=merchant.owner.id, kind="merchant_approved")
    assert "金牌家政" in notice.title["zh-CN"]


async def test_rejecting_needs_a_reason_shown_in_the_readers_language(
    app: Starlette, city: City, operator: Account
) -> None:
    merchant = await application(city)
    async with signed_in_as(app, operator) as (client, token):
        blank = await client.post(
            f"/ops/merchants/{merchant.id}/reject", data={"csrf_token": token, "reason": "  "}
        )
        assert blank.status_code == 422
        assert "必填：申请人会看到原因" in visible_text(blank.text)
        assert 'aria-invalid="true"' in blank.text
        english = await client.post(
            f"/ops/merchants/{merchant.id}/reject?lang=en",
            data={"csrf_token": token, "reason": ""},
        )
        assert "is required: the applicant is told why" in visible_text(english.text)
        assert (await Merchant.get(id=merchant.id)).status == MerchantStatus.PENDING

        done = await client.post(
            f"/ops/merchants/{merchant.id}/reject",
            data={"csrf_token": token, "reason": "营业执照照片看不清，请重新上传"},
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/ops/merchants?done=rejected"
    merchant = await Merchant.get(id=merchant.id)
    assert merchant.status == MerchantStatus.REJECTED
    assert merchant.rejection_reason == "营业执照照片看不清，请重新上传"
    notice = await Notice.get(account_id=merchant.owner_id, kind="merchant_rejected")  # type: ignore[attr-defined]
    assert "营业执照照片看不清" in notice.body["zh-CN"]


async def test_a_decision_taken_meanwhile_is_explained_not_a_crash(
    app: Starlette, city: City, operator: Account
) -> None:
    merchant = await application(city)
    await onboarding.approve(operator, merchant)
    async with signed_in_as(app, operator) as (client, token):
        again = await client.post(
            f"/ops/merchants/{merchant.id}/reject", data={"csrf_token": token, "reason": "重复"}
        )
        missing = await client.post("/ops/merchants/999999/approve", data={"csrf_token": token})
    assert again.status_code == 409
    assert "状态已被其他操作更新" in visible_text(again.text)
    assert missing.status_code == 404
    assert (await Merchant.get(id=merchant.id)).status == MerchantStatus.APPROVED


# --- listings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["老王", "old wang", "金牌", "GOLDEN"])
async def test_search_by_listing_or_merchant_name(
    app: Starlette, city: City, operator: Account, query: str
) -> None:
    listing = await published(city, operator)
    async with signed_in_as(app, operator) as (client, _):
        found = await client.get("/ops/listings", params={"q": query})
        none = await client.get("/ops/listings", params={"q": "不存在的店"})
        drafts = await client.get("/ops/listings", params={"q": query, "status": "draft"})
        odd = await client.get("/ops/listings", params={"status": "nonsense"})
    assert f'id="listing-{listing.id}"' in found.text
    assert 'data-testid="ops-listing"' not in none.text
    assert "没有找到匹配的商户/服务" in visible_text(none.text)
    assert 'data-testid="ops-listing"' not in drafts.text
    assert odd.status_code == 200 and f'id="listing-{listing.id}"' in odd.text


async def test_hide_needs_a_reason_then_restore(
    app: Starlette, city: City, operator: Account
) -> None:
    listing = await published(city, operator)
    async with signed_in_as(app, operator) as (client, token):
        blank = await client.post(
            f"/ops/listings/{listing.id}/hide",
            data={"csrf_token": token, "reason": "", "q": "老王"},
        )
        assert blank.status_code == 422
        assert "必填：商家会看到原因" in visible_text(blank.text)
        assert (await Listing.get(id=listing.id)).status == ListingStatus.PUBLISHED

        hidden = await client.post(
            f"/ops/listings/{listing.id}/hide",
            data={"csrf_token": token, "reason": "图片与实际不符", "q": "老王"},
        )
        assert hidden.status_code == 303
        assert hidden.headers["location"] == "/ops/listings?q=%E8%80%81%E7%8E%8B&done=hidden"
        assert (await client.get(f"/listings/{listing.id}")).status_code == 404
        page = visible_text((await client.get(hidden.headers["location"])).text)
        assert "运营下架：图片与实际不符" in page and "恢复上架" in page

        restored = await client.post(
            f"/ops/listings/{listing.id}/restore", data={"csrf_token": token}
        )
        assert restored.status_code == 303
        assert (await client.get(f"/listings/{listing.id}")).status_code == 200
        again = await client.post(f"/ops/listings/{listing.id}/restore", data={"csrf_token": token})
        assert again.status_code == 409
        assert "状态已被其他操作更新" in visible_text(again.text)
    owner_notice = await Notice.get(kind="listing_hidden")
    assert "图片与实际不符" in owner_notice.body["zh-CN"]


async def test_history_shows_who_when_and_old_to_new(
    app: Starlette, city: City, operator: Account
) -> None:
    listing = await published(city, operator)
    merchant = await Merchant.get(id=listing.merchant_id).prefetch_related("owner")  # type: ignore[attr-defined]
    await catalogue.update_listing(
        city, merchant.owner, listing, {"name": {"zh-CN": "新王面馆", "en": "New Wang Noodles"}}
    )
    await catalogue.hide(operator, listing, "图片与实际不符")
    async with signed_in_as(app, operator) as (client, _):
        response = await client.get(f"/ops/listings/{listing.id}/history")
        missing = await client.get("/ops/listings/999999/history")
    assert response.status_code == 200
    assert missing.status_code == 404
    text = visible_text(response.text)
    assert response.text.count('data-testid="history-entry"') >= 3
    assert "店铺名称 老王面馆 / Old Wang Noodles → 新王面馆 / New Wang Noodles" in text
    assert "状态 已发布 → 已下架" in text
    assert "运营小王" in text and "店主" in text
    assert "备注：图片与实际不符" in text
    # the creation entry names slugs by their names and leaves out "— → —" rows
    assert "分类 — → 面馆" in text and "区域 — → " in text
    assert "周一 09:00–21:00" in text
    assert "— → —" not in text


# --- import ------------------------------------------------------------------------------------


async def upload(
    client: httpx.AsyncClient, token: str, name: str, data: bytes, dry_run: bool
) -> httpx.Response:
    fields = {"csrf_token": token, **({"dry_run": "on"} if dry_run else {})}
    return await client.post("/ops/import", data=fields, files={"file": (name, data)})


async def test_import_dry_run_then_for_real_with_a_report_of_rejected_rows(
    app: Starlette, operator: Account
) -> None:
    text, bad = import_csv(8, bad_every=4)
    async with signed_in_as(app, operator) as (client, token):
        page = await client.get("/ops/import")
        assert 'enctype="multipart/form-data"' in page.text and "试运行" in page.text
        dry = await upload(client, token, "shops.csv", text.encode(), dry_run=True)
        assert dry.status_code == 200
        assert await Listing.all().count() == 0
        real = await upload(client, token, "shops.csv", text.encode(), dry_run=False)
    dry_text, real_text = visible_text(dry.text), visible_text(real.text)
    assert "试运行：没有保存任何数据" in dry_text
    assert f"将新建 {8 - len(bad)}" in dry_text
    assert "导入完成" in real_text and f"已创建 {8 - len(bad)}" in real_text
    assert await Listing.all().count() == 8 - len(bad)
    for line, field in bad.items():
        cells = rf'<td data-label="行号">{line}</td><td>[^<]*</td><td><code>{re.escape(field)}'
        assert re.search(cells, real.text), (line, field)
    # the reasons are in the page's language, not the domain's English
    assert "不能为负数。" in real_text and "最多 2 位小数。" in real_text
    assert "must not be negative" not in real_text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("", b"", "请选择一个 CSV 或 JSON Lines 文件"),
        ("listings.txt", b"a,b\n1,2\n", "必须是 .csv 或 .jsonl 文件"),
        ("listings.csv", "名称\n老王".encode("gb18030"), "不是 UTF-8 文本"),
        ("listings.jsonl", b"  \n", "是空文件"),
    ],
)
async def test_import_mistakes_re_render_the_form_with_the_reason(
    app: Starlette, operator: Account, name: str, data: bytes, reason: str
) -> None:
    async with signed_in_as(app, operator) as (client, token):
        response = await upload(client, token, name, data, dry_run=False)
    assert response.status_code == 422
    assert reason in visible_text(response.text)
    assert (
        'name="dry_run"' in response.text
        and "checked" not in response.text.split('name="dry_run"')[1][:20]
    )
