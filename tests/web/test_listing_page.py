"""The public listing page and its JSON: content per vertical, visibility, the open/closed badge."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette

from geo.service_areas import geodesic_circle
from listings.models import Listing, Offering
from listings.photos.models import Photo
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace.city import City
from tests.support.factories import make_listing, make_merchant
from tests.web.conftest import client_for
from tests.web.test_pages import visible_text

# Monday 2026-03-02, 12:00 in Changzhou (UTC+8)
MONDAY_NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
MONDAY_22 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
SATURDAY_22 = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
WEEKDAYS = {d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def at(moment: datetime) -> Any:
    return lambda: moment


async def page(app: Starlette, path: str, moment: datetime = MONDAY_NOON, **kw: Any) -> Any:
    app.state.clock = at(moment)
    async with client_for(app) as client:
        return await client.get(path, params={"lang": kw["locale"]} if "locale" in kw else None)


async def restaurant(city: City) -> Listing:
    merchant = await make_merchant(name={"zh-CN": "老王餐饮", "en": "Wang Catering"})
    listing = await make_listing(
        city.center,
        merchant,
        name={"zh-CN": "老王面馆", "en": "Old Wang Noodles"},
        district="tianning",
        address={"zh-CN": "天宁区南大街 12 号", "en": "12 Nandajie"},
        weekly_hours={**WEEKDAYS, "sat": [["10:00", "22:00"]]},
        attributes={"cuisine": "常州菜", "avg_price_per_person": 4500, "seats": 40},
        rating_avg=4.7,
        rating_count=123,
    )
    await Offering.create(
        listing=listing,
        kind=OfferingKind.DISH,
        name={"zh-CN": "红汤面", "en": "Red broth noodles"},
        price=1800,
        attributes={"tags": ["signature", "spicy"]},
    )
    await Offering.create(
        listing=listing,
        kind=OfferingKind.DISH,
        name={"zh-CN": "小馄饨", "en": "Wontons"},
        price=1200,
    )
    await Offering.create(
        listing=listing,
        kind=OfferingKind.DISH,
        name={"zh-CN": "下架菜", "en": "Off the menu"},
        price=100,
        is_active=False,
    )
    return listing


async def housekeeping(city: City) -> Listing:
    listing = await make_listing(
        city.center,
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        name={"zh-CN": "金牌家政", "en": "Golden Housekeeping"},
        district="tianning",
        service_area=geodesic_circle(city.center, 3000),
        weekly_hours={d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
        attributes={"min_notice_hours": 4, "service_radius_m": 3000},
    )
    for name, minutes, price in (("日常保洁", 120, 12000), ("深度保洁", 240, 30000)):
        await Offering.create(
            listing=listing,
            kind=OfferingKind.SERVICE,
            name={"zh-CN": name, "en": name},
            price=price,
            duration_min=minutes,
        )
    return listing


async def tutoring(city: City) -> Listing:
    listing = await make_listing(
        city.center,
        vertical=Vertical.TUTORING,
        category="math",
        name={"zh-CN": "陈老师数学", "en": "Ms Chen Maths"},
        weekly_hours={"sat": [["09:00", "18:00"]], "sun": [["09:00", "18:00"]]},
        attributes={
            "subjects": ["math"],
            "grades": ["primary_3", "junior_1"],
            "formats": ["at_home", "online"],
            "trial_lesson": True,
            "trial_price": 0,
        },
    )
    await Offering.create(
        listing=listing,
        kind=OfferingKind.LESSON,
        name={"zh-CN": "试听课", "en": "Trial lesson"},
        price=0,
        duration_min=45,
        attributes={"trial": True, "format": "online"},
    )
    await Offering.create(
        listing=listing,
        kind=OfferingKind.LESSON,
        name={"zh-CN": "小学数学一对一", "en": "Primary maths 1:1"},
        price=8000,
        duration_min=90,
        attributes={"format": "at_home", "grade": "primary_3"},
    )
    return listing


async def shop(city: City) -> Listing:
    listing = await make_listing(
        city.center,
        vertical=Vertical.SHOP,
        category="grocery",
        name={"zh-CN": "邻里生鲜", "en": "Neighbour Fresh"},
        weekly_hours={d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        attributes={"pickup": True, "delivery": True, "delivery_fee": 500, "min_order": 3000},
    )
    for name, price, stock in (("阳山水蜜桃", 3900, 12), ("青菜", 300, 0)):
        await Offering.create(
            listing=listing,
            kind=OfferingKind.PRODUCT,
            name={"zh-CN": name, "en": name},
            price=price,
            stock=stock,
        )
    return listing


async def test_restaurant_page_shows_header_menu_hours_and_map(app: Starlette, city: City) -> None:
    listing = await restaurant(city)
    response = await page(app, f"/listings/{listing.id}")
    assert response.status_code == 200
    text = visible_text(response.text)
    for expected in (
        "老王面馆",
        "面馆 · 天宁区",
        "★4.7 (123)",
        "人均 ¥45",
        "天宁区南大街 12 号",
        "红汤面 招牌 辣",
        "¥18",
        "小馄饨",
        "常州菜",
        "老王餐饮",
    ):
        assert expected in text, expected
    assert "下架菜" not in text  # inactive offerings are not shown
    assert 'data-testid="cover-placeholder"' in response.text
    assert 'id="listing-map"' in response.text
    assert "/static/vendor/leaflet/leaflet.js" in response.text
    data = map_data(response.text)
    assert (data["lat"], data["lng"]) == (city.center.lat, city.center.lng)
    assert data["area"] is None
    assert data["tiles"] == city.map.tile_url
    assert "星期一 09:00–21:00" in text and "星期日 休息" in text


async def test_housekeeping_page_draws_the_service_area(app: Starlette, city: City) -> None:
    listing = await housekeeping(city)
    response = await page(app, f"/listings/{listing.id}")
    text = visible_text(response.text)
    for expected in ("¥120 起", "日常保洁", "2 小时", "4 小时", "4 小时", "服务范围"):
        assert expected in text, expected
    area = map_data(response.text)["area"]
    assert area["type"] == "Polygon"
    ring = area["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) > 10
    # GeoJSON order: [lng, lat]
    assert abs(ring[0][0] - city.center.lng) < 0.1 and abs(ring[0][1] - city.center.lat) < 0.1


async def test_tutoring_price_is_per_regular_lesson(app: Starlette, city: City) -> None:
    listing = await tutoring(city)
    text = visible_text((await page(app, f"/listings/{listing.id}")).text)
    for expected in (
        "¥80/节",
        "试听课",
        "上门",
        "线上",
        "年级 小学3年级和初中1年级",
        "上课方式 上门和线上",
        "1 小时 30 分钟 · 上门 · 小学3年级",
    ):
        assert expected in text, expected


async def test_shop_page_shows_stock_and_sold_out(app: Starlette, city: City) -> None:
    listing = await shop(city)
    response = await page(app, f"/listings/{listing.id}")
    text = visible_text(response.text)
    for expected in ("¥3 起", "库存 12", "售罄", "配送费 ¥5", "起送价 ¥30"):
        assert expected in text, expected
    assert response.text.count("is-sold-out") == 1


async def test_english_page_uses_english_words_and_money(app: Starlette, city: City) -> None:
    listing = await restaurant(city)
    text = visible_text((await page(app, f"/listings/{listing.id}", locale="en")).text)
    assert "Old Wang Noodles" in text
    assert "CN¥45 per person" in text
    assert "Open · closes at 21:00" in text
    assert "人均" not in text


@pytest.mark.parametrize(
    ("moment", "expected", "css"),
    [
        (MONDAY_NOON, "营业中 · 21:00 打烊", "is-open"),
        (MONDAY_22, "已打烊 · 明天 09:00 开门", "is-closed"),
        (SATURDAY_22, "已打烊 · 周一 09:00 开门", "is-closed"),
        (datetime(2026, 3, 2, 0, 30, tzinfo=UTC), "已打烊 · 今天 09:00 开门", "is-closed"),
    ],
)
async def test_open_badge_at_fixed_times(
    app: Starlette, city: City, moment: datetime, expected: str, css: str
) -> None:
    listing = await restaurant(city)
    await Listing.filter(id=listing.id).update(weekly_hours=WEEKDAYS)
    response = await page(app, f"/listings/{listing.id}", moment)
    badge = re.search(
        r'<p class="open-badge ([\w-]+)" data-testid="open-badge">(.*?)</p>', response.text, re.S
    )
    assert badge is not None
    assert badge.group(1) == css
    assert visible_text(badge.group(2)).strip() == expected


async def test_a_closure_shows_its_reason(app: Starlette, city: City) -> None:
    listing = await restaurant(city)
    closure = {
        "start": "2026-03-01T00:00:00+08:00",
        "end": "2026-03-04T00:00:00+08:00",
        "reason": "装修",
    }
    await Listing.filter(id=listing.id).update(closures=[closure])
    text = visible_text((await page(app, f"/listings/{listing.id}")).text)
    assert "暂停营业 · 装修 · 周三 09:00 开门" in text


async def test_unreadable_hours_do_not_break_the_page(app: Starlette, city: City) -> None:
    listing = await restaurant(city)
    await Listing.filter(id=listing.id).update(
        weekly_hours={"mon": [["21:00", "09:00"], ["10:00", "x"]]}
    )
    response = await page(app, f"/listings/{listing.id}")
    assert response.status_code == 200
    assert "未提供营业时间" in visible_text(response.text)
    assert 'data-testid="open-badge"' not in response.text


async def test_cover_and_dish_photos_come_from_media(app: Starlette, city: City) -> None:
    listing = await restaurant(city)
    dish = await Offering.filter(listing_id=listing.id).order_by("id").first()
    assert dish is not None
    for n, offering in ((1, None), (2, dish)):
        await Photo.create(
            listing=listing,
            offering=offering,
            original_key=f"photos/ab/{n}/original.jpg",
            large_key=f"photos/ab/{n}/960.jpg",
            small_key=f"photos/ab/{n}/320.jpg",
            width=960,
            height=540,
            content_type="image/jpeg",
            byte_size=1000,
            sha256=f"{n}" * 64,
        )
    response = await page(app, f"/listings/{listing.id}")
    assert 'src="/media/photos/ab/1/960.jpg"' in response.text
    assert 'src="/media/photos/ab/2/320.jpg"' in response.text
    assert "cover-placeholder" not in response.text


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.HIDDEN])
async def test_drafts_and_hidden_listings_are_not_found(
    app: Starlette, city: City, status: ListingStatus
) -> None:
    listing = await restaurant(city)
    await Listing.filter(id=listing.id).update(status=status)
    response = await page(app, f"/listings/{listing.id}")
    assert response.status_code == 404
    assert "老王面馆" not in response.text
    assert "这家商户或服务不存在" in visible_text(response.text)
    api = await page(app, f"/api/v1/listings/{listing.id}/public")
    assert api.status_code == 404
    assert api.json()["code"] == "listing_not_found"


async def test_unknown_and_malformed_ids_are_not_found(app: Starlette, db: str) -> None:
    assert (await page(app, "/listings/999999")).status_code == 404
    assert (await page(app, "/listings/abc")).status_code == 404
    assert (await page(app, "/api/v1/listings/999999/public")).status_code == 404


async def test_json_twin_of_the_page(app: Starlette, city: City) -> None:
    listing = await housekeeping(city)
    response = await page(app, f"/api/v1/listings/{listing.id}/public")
    assert response.status_code == 200
    body = response.json()
    assert body["name"]["zh-CN"] == "金牌家政"
    assert body["vertical"] == "housekeeping"
    assert body["district_name"]["zh-CN"] == "天宁区"
    assert body["currency"] == "CNY"
    assert body["price"] == {"kind": "from", "amount": 12000}
    assert body["location"] == {"lat": city.center.lat, "lng": city.center.lng}
    assert body["service_area"]["type"] == "Polygon"
    assert body["opening"]["open"] is True
    assert body["opening"]["next_change_at"] == "2026-03-02T18:00:00+08:00"
    assert [o["duration_min"] for o in body["offerings"]] == [120, 240]
    assert body["hours"]["weekly"]["sun"] == []


def map_data(html: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="listing-map-data">(.*?)</script>', html, re.S
    )
    assert match, "no map data on the page"
    return json.loads(match.group(1))


def test_durations_read_as_people_say_them() -> None:
    from web.routes.listing_pages import duration_text

    def english(text: str) -> str:
        return text

    assert duration_text(26 * 24 * 60, english) == "26 days"
    assert duration_text(120, english) == "2 h"
    assert duration_text(90, english) == "1 h 30 min"
    assert duration_text(45, english) == "45 min"
    assert duration_text(25 * 60, english) == "25 h"
