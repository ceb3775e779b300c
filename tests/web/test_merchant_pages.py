"""商家中心 pages: apply, follow the application, create and edit listings and their items,
publish and take offline, staff. Mistakes re-render the form in the reader's language."""

from __future__ import annotations

import json

import httpx

from listings.models import Listing, Offering
from listings.types import ListingStatus, MerchantStatus
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.web.merchant_helpers import (
    LAT,
    LNG,
    OUT_LAT,
    OUT_LNG,
    account,
    approved_merchant,
    form_token,
    signed_in,
    visible_text,
)

APPLY_FORM = {
    "name.zh-CN": "金牌家政",
    "name.en": "Golden Housekeeping",
    "kind": "housekeeping:cleaning",
    "contact_name": "王阿姨",
    "contact_phone": "13800000001",
    "contact_email": "",
    "address.zh-CN": "南大街1号",
    "address.en": "",
    "lat": str(LAT),
    "lng": str(LNG),
}
WEEK = {f"hours.{d}": "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
HOUSEKEEPING_FORM = {
    "category": "cleaning",
    "name.zh-CN": "金牌保洁",
    "name.en": "Golden Cleaning",
    "lat": str(LAT),
    "lng": str(LNG),
    "attributes.min_notice_hours": "4",
    "attributes.service_area_mode": "radius",
    "attributes.service_radius_m": "3000",
    "hours.sun": "",
    **WEEK,
}


async def test_anonymous_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/merchant/apply")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmerchant%2Fapply"


async def test_a_resident_applies_and_follows_the_application(
    client: httpx.AsyncClient, resident: Account
) -> None:
    await signed_in(client, resident)
    start = await client.get("/merchant")
    assert start.status_code == 303 and start.headers["location"] == "/merchant/apply"
    page = await client.get("/merchant/apply")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "商家中心" in text and "商户名称" in text and "日常保洁" in text
    assert 'id="map-config"' in page.text and "leaflet.js" in page.text

    token = await form_token(client)
    sent = await client.post("/merchant/apply", data={**APPLY_FORM, "csrf_token": token})
    assert sent.status_code == 303
    status_path = sent.headers["location"]
    status = visible_text((await client.get(status_path)).text)
    assert "审核中" in status and "金牌家政" in status and "王阿姨" in status
    merchant_id = int(status_path.split("/")[2])
    assert (await client.get("/merchant")).headers["location"] == f"/merchant/{merchant_id}"
    board = visible_text((await client.get(f"/merchant/{merchant_id}")).text)
    assert "正在审核" in board and "还没有店铺" in board


async def test_mistakes_on_the_application_are_shown_in_chinese_next_to_each_field(
    client: httpx.AsyncClient, resident: Account
) -> None:
    await signed_in(client, resident)
    token = await form_token(client)
    bad = {
        **APPLY_FORM,
        "name.zh-CN": "",
        "kind": "",
        "contact_phone": "12345",
        "lat": str(OUT_LAT),
        "lng": str(OUT_LNG),
        "address.zh-CN": "南大街1号",
    }
    response = await client.post("/merchant/apply", data={**bad, "csrf_token": token})
    assert response.status_code == 422
    html = response.text
    text = visible_text(html)
    assert "此项必填" in text  # the business name
    assert "请从列表中选择分类" in text
    assert "请输入手机号" in text
    assert "这个位置不在常州范围内" in text
    assert "is required" not in text and "outside" not in text
    # what was typed stays
    assert 'value="南大街1号"' in html and f'value="{OUT_LAT}"' in html
    assert 'value="Golden Housekeeping"' in html
    assert (await client.get("/merchant")).headers["location"] == "/merchant/apply"


async def test_english_readers_get_english_errors(
    client: httpx.AsyncClient, resident: Account
) -> None:
    await signed_in(client, resident)
    token = await form_token(client, "/merchant/apply?lang=en")
    response = await client.post(
        "/merchant/apply", data={**APPLY_FORM, "lat": "abc", "csrf_token": token}
    )
    assert response.status_code == 422
    text = visible_text(response.text)
    assert "Enter a number." in text and "Business name" in text
    assert "请" not in text.split("Tao")[0]


async def test_an_approved_merchant_creates_a_housekeeping_listing_with_a_radius(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    page = await client.get(path)
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "服务范围" in text and "按半径" in text and "最少提前预约" in text
    token = await form_token(client, path)
    created = await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    assert created.status_code == 303, visible_text(created.text)
    listing = await Listing.get(merchant_id=merchant.id)
    assert created.headers["location"] == f"/merchant/listings/{listing.id}/offerings?created=1"
    assert listing.status == ListingStatus.DRAFT
    assert listing.attributes["service_radius_m"] == 3000
    assert listing.service_area is not None and listing.service_area.area > 0
    assert listing.weekly_hours["mon"] == [["08:00", "18:00"]] and listing.weekly_hours["sun"] == []

    items = f"/merchant/listings/{listing.id}/offerings"
    page = visible_text((await client.get(items + "?created=1")).text)
    assert "草稿已保存" in page and "添加服务" in page
    item = {
        "name.zh-CN": "日常保洁 2小时",
        "price": "120.5",
        "duration_min": "120",
        "is_active": "on",
    }
    added = await client.post(items, data={**item, "csrf_token": token})
    assert added.status_code == 303
    offering = await Offering.get(listing_id=listing.id)
    assert offering.price == 12050 and offering.duration_min == 120

    refused = await client.post(
        items, data={**item, "price": "-3", "duration_min": "5", "csrf_token": token}
    )
    assert refused.status_code == 422
    text = visible_text(refused.text)
    assert "不能为负数" in text and "不能小于 15" in text
    assert 'value="-3"' in refused.text
    assert await Offering.filter(listing_id=listing.id).count() == 1

    published = await client.post(
        f"/merchant/listings/{listing.id}/publish",
        data={"csrf_token": token, "back": f"/merchant/{merchant.id}"},
    )
    assert published.status_code == 303
    assert (await Listing.get(id=listing.id)).status == ListingStatus.PUBLISHED
    board = visible_text((await client.get(f"/merchant/{merchant.id}")).text)
    assert "金牌保洁" in board and "已发布" in board and "下架" in board


async def test_listing_form_mistakes_keep_what_was_typed_and_write_nothing(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    bad = {
        **HOUSEKEEPING_FORM,
        "name.en": "",
        "hours.mon": "09:00-12:00, 11:00-14:00",
        "hours.tue": "nine to five",
        "attributes.service_radius_m": "20",
        "lat": str(OUT_LAT),
        "lng": str(OUT_LNG),
    }
    response = await client.post(path, data={**bad, "csrf_token": token})
    assert response.status_code == 422
    text = visible_text(response.text)
    assert "请按 09:00-21:00 的格式填写" in text
    assert 'value="nine to five"' in response.text
    assert await Listing.all().count() == 0

    # the form's own check (hours) passes: now the service's reasons come back, translated
    bad["hours.tue"] = "09:00-17:00"
    response = await client.post(path, data={**bad, "csrf_token": token})
    assert response.status_code == 422
    text = visible_text(response.text)
    assert "与周一 09:00-12:00 重叠" in text
    assert "此项必填" in text and "这个位置不在常州范围内" in text
    assert "不能小于 100" in text
    assert await Listing.all().count() == 0


async def test_a_shop_draws_its_delivery_area_and_a_crossed_drawing_is_refused(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=shop"
    token = await form_token(client, path)
    half = 0.01
    crossed = [
        [LNG - half, LAT - half],
        [LNG + half, LAT + half],
        [LNG + half, LAT - half],
        [LNG - half, LAT + half],
        [LNG - half, LAT - half],
    ]
    shop = {
        "category": "bakery",
        "name.zh-CN": "麦香面包房",
        "name.en": "Wheat Bakery",
        "lat": str(LAT),
        "lng": str(LNG),
        "attributes.pickup": "on",
        "attributes.delivery": "on",
        "attributes.delivery_fee": "5",
        "attributes.service_area_mode": "polygon",
        "service_area": json.dumps({"type": "Polygon", "coordinates": [crossed]}),
        **WEEK,
    }
    response = await client.post(path, data={**shop, "csrf_token": token})
    assert response.status_code == 422
    assert "范围的边线相互交叉" in visible_text(response.text)
    assert await Listing.all().count() == 0

    square = [crossed[0], crossed[2], crossed[1], crossed[3], crossed[0]]
    shop["service_area"] = json.dumps({"type": "Polygon", "coordinates": [square]})
    created = await client.post(path, data={**shop, "csrf_token": token})
    assert created.status_code == 303, visible_text(created.text)
    listing = await Listing.get(merchant_id=merchant.id)
    assert listing.attributes["delivery_fee"] == 500
    assert listing.service_area is not None
    edit = await client.get(f"/merchant/listings/{listing.id}")
    assert "&#34;Polygon&#34;" in edit.text  # the drawing comes back to the map to be edited

    items = f"/merchant/listings/{listing.id}/offerings"
    for name, price, stock in (("全麦面包", "12.5", "30"), ("牛角包", "8", "0")):
        item = {"name.zh-CN": name, "price": price, "stock": stock, "is_active": "on"}
        assert (await client.post(items, data={**item, "csrf_token": token})).status_code == 303
    page = visible_text((await client.get(items)).text)
    assert "全麦面包" in page and "¥12.50" in page and "库存 0" in page


async def test_editing_a_listing_starts_from_what_is_stored(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    await client.post(
        path, data={**HOUSEKEEPING_FORM, "hours.fri": "18:00-02:00", "csrf_token": token}
    )
    listing = await Listing.get(merchant_id=merchant.id)
    edit = await client.get(f"/merchant/listings/{listing.id}")
    assert edit.status_code == 200
    assert 'value="18:00-02:00"' in edit.text and 'value="3000"' in edit.text
    assert 'value="金牌保洁"' in edit.text

    changed = {**HOUSEKEEPING_FORM, "name.zh-CN": "金牌保洁（南大街店）", "hours.fri": ""}
    saved = await client.post(
        f"/merchant/listings/{listing.id}", data={**changed, "csrf_token": token}
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=1")
    listing = await Listing.get(id=listing.id)
    assert listing.name["zh-CN"] == "金牌保洁（南大街店）" and listing.weekly_hours["fri"] == []
    assert "已保存" in visible_text((await client.get(saved.headers["location"])).text)


async def test_a_pending_merchant_prepares_drafts_but_cannot_publish(
    client: httpx.AsyncClient, city: City, resident: Account
) -> None:
    await signed_in(client, resident)
    token = await form_token(client)
    sent = await client.post("/merchant/apply", data={**APPLY_FORM, "csrf_token": token})
    merchant_id = int(sent.headers["location"].split("/")[2])
    path = f"/merchant/{merchant_id}/listings/new?vertical=housekeeping"
    created = await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    assert created.status_code == 303
    listing = await Listing.get(merchant_id=merchant_id)
    board = visible_text((await client.get(f"/merchant/{merchant_id}")).text)
    assert "草稿" in board and ">发布<" not in board
    refused = await client.post(
        f"/merchant/listings/{listing.id}/publish", data={"csrf_token": token}
    )
    assert refused.status_code == 409
    assert "入驻申请通过后，店铺才能发布" in visible_text(refused.text)
    assert (await Listing.get(id=listing.id)).status == ListingStatus.DRAFT


async def test_take_offline_and_put_back(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    listing = await Listing.get(merchant_id=merchant.id)
    base = f"/merchant/listings/{listing.id}"
    for action, status in (
        ("publish", ListingStatus.PUBLISHED),
        ("hide", ListingStatus.HIDDEN),
        ("restore", ListingStatus.PUBLISHED),
        ("unpublish", ListingStatus.DRAFT),
    ):
        answer = await client.post(f"{base}/{action}", data={"csrf_token": token, "back": base})
        assert answer.status_code == 303 and answer.headers["location"] == base
        assert (await Listing.get(id=listing.id)).status == status
    assert (await client.post(f"{base}/explode", data={"csrf_token": token})).status_code == 404
    # a page that names an outside address in `back` is not followed
    answer = await client.post(f"{base}/publish", data={"csrf_token": token, "back": "//evil.test"})
    assert answer.headers["location"] == f"/merchant/{merchant.id}"


async def test_other_people_cannot_open_a_merchants_pages(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    stranger = await account("stranger@example.com")
    await signed_in(client, stranger)
    for path in (f"/merchant/{merchant.id}", f"/merchant/{merchant.id}/staff"):
        response = await client.get(path)
        assert response.status_code == 403
        assert "无权" in visible_text(response.text)
    assert (await client.get("/merchant/99999")).status_code == 404
    token = await form_token(client)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    response = await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    assert response.status_code == 403 and await Listing.all().count() == 0


async def test_the_owner_invites_staff_who_accept_by_link(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    helper = await account("helper@example.com", "小李")
    await signed_in(client, resident)
    staff_path = f"/merchant/{merchant.id}/staff"
    token = await form_token(client, staff_path)
    bad = await client.post(staff_path, data={"identifier": "not-a-phone", "csrf_token": token})
    assert bad.status_code == 422 and "请输入手机号" in visible_text(bad.text)
    sent = await client.post(
        staff_path, data={"identifier": "helper@example.com", "csrf_token": token}
    )
    assert sent.status_code == 200
    link = sent.text.split('data-testid="invite-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/merchant/invites/" in link and "helper@example.com" in visible_text(sent.text)

    await signed_in(client, helper)
    invite_path = link.split("testserver", 1)[1]
    page = await client.get(invite_path)
    assert "接受邀请" in visible_text(page.text)
    token = await form_token(client, invite_path)
    accepted = await client.post(invite_path, data={"csrf_token": token})
    assert (
        accepted.status_code == 303 and accepted.headers["location"] == f"/merchant/{merchant.id}"
    )
    again = await client.post(invite_path, data={"csrf_token": token})
    assert again.status_code == 422 and "此邀请已被使用" in visible_text(again.text)
    # staff are managed by the owner only: a helper's 设置 has no 员工 entry
    assert "员工" not in visible_text((await client.get(f"/merchant/{merchant.id}/settings")).text)

    await signed_in(client, resident)
    token = await form_token(client, staff_path)
    page = visible_text((await client.get(staff_path)).text)
    assert "小李" in page and "店主" in page
    removed = await client.post(f"{staff_path}/{helper.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert "小李" not in visible_text((await client.get(staff_path)).text)


async def test_the_dashboard_shows_the_approval_notice_until_read(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    board = visible_text((await client.get(f"/merchant/{merchant.id}")).text)
    assert "入驻申请已通过" in board and "通知" in board
    token = await form_token(client, f"/merchant/{merchant.id}")
    read = await client.post(
        "/merchant/notices/read", data={"csrf_token": token, "back": f"/merchant/{merchant.id}"}
    )
    assert read.status_code == 303 and read.headers["location"] == f"/merchant/{merchant.id}"
    assert "入驻申请已通过" not in visible_text((await client.get(f"/merchant/{merchant.id}")).text)
    status = visible_text((await client.get(f"/merchant/{merchant.id}/application")).text)
    assert "已通过" in status and merchant.status == MerchantStatus.APPROVED


async def test_a_tutor_teaching_at_home_lists_grades_formats_and_a_trial_lesson(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=tutoring"
    page = visible_text((await client.get(path)).text)
    assert "小学三年级" in page and "上门授课" in page and "提供试听课" in page
    token = await form_token(client, path)
    tutor = {
        "category": "math",
        "name.zh-CN": "王老师数学",
        "name.en": "Ms Wang Maths",
        "lat": str(LAT),
        "lng": str(LNG),
        "attributes.subjects": "数学，奥数",
        "attributes.grades.primary_3": "on",
        "attributes.grades.primary_4": "on",
        "attributes.formats.at_home": "on",
        "attributes.formats.online": "on",
        "attributes.lesson_minutes": "90",
        "attributes.trial_lesson": "on",
        "attributes.service_area_mode": "radius",
        "attributes.service_radius_m": "5000",
        **WEEK,
    }
    refused = await client.post(path, data={**tutor, "csrf_token": token})
    assert refused.status_code == 422
    assert "请填写试听课价格（0 表示免费）" in visible_text(refused.text)
    assert (
        'name="attributes.grades.primary_3" id="f-attributes-grades-primary_3" value="on" checked'
        in refused.text
    )

    created = await client.post(
        path, data={**tutor, "attributes.trial_price": "0", "csrf_token": token}
    )
    assert created.status_code == 303, visible_text(created.text)
    listing = await Listing.get(merchant_id=merchant.id)
    assert listing.attributes["subjects"] == ["数学", "奥数"]
    assert listing.attributes["grades"] == ["primary_3", "primary_4"]
    assert listing.attributes["formats"] == ["at_home", "online"]
    assert listing.attributes["trial_price"] == 0 and listing.service_area is not None

    items = f"/merchant/listings/{listing.id}/offerings"
    page = (await client.get(items)).text
    # a lesson is offered in one of the listing's own formats only
    assert '<option value="at_home"' in page and '<option value="at_centre"' not in page
    lesson = {
        "name.zh-CN": "一对一 90 分钟",
        "price": "200",
        "duration_min": "90",
        "format": "at_home",
        "grade": "primary_3",
        "is_active": "on",
    }
    assert (await client.post(items, data={**lesson, "csrf_token": token})).status_code == 303
    offering = await Offering.get(listing_id=listing.id)
    assert offering.attributes == {"format": "at_home", "grade": "primary_3", "trial": False}

    # editing an item keeps the other items' forms as they were and marks only its own error
    bad = {**lesson, "format": "at_centre"}
    response = await client.post(f"{items}/{offering.id}", data={**bad, "csrf_token": token})
    assert response.status_code == 422
    assert "请选择本店提供的上课方式" in visible_text(response.text)
    assert f'data-testid="offering-{offering.id}"' in response.text


async def test_a_restaurant_needs_seats_to_take_reservations_and_tags_its_dishes(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=restaurant"
    page = visible_text((await client.get(path)).text)
    assert "人均消费（元）" in page and "服务范围" not in page
    token = await form_token(client, path)
    noodles = {
        "category": "noodles",
        "name.zh-CN": "南大街面馆",
        "name.en": "Nandajie Noodles",
        "lat": str(LAT),
        "lng": str(LNG),
        "attributes.cuisine": "常州面条",
        "attributes.avg_price_per_person": "28",
        "attributes.reservations": "on",
        "hours.fri": "10:00-14:00, 17:00-02:00",
        "hours.sat": "01:00-03:00",
    }
    refused = await client.post(path, data={**noodles, "csrf_token": token})
    assert refused.status_code == 422
    text = visible_text(refused.text)
    assert "接受订座需要填写座位数或桌数" in text
    assert "跨过午夜到 02:00，与周六 01:00-03:00 重叠。" in text
    created = await client.post(
        path, data={**noodles, "attributes.seats": "40", "hours.sat": "", "csrf_token": token}
    )
    assert created.status_code == 303, visible_text(created.text)
    listing = await Listing.get(merchant_id=merchant.id)
    assert listing.attributes["avg_price_per_person"] == 2800
    assert listing.weekly_hours["fri"] == [["10:00", "14:00"], ["17:00", "02:00"]]

    items = f"/merchant/listings/{listing.id}/offerings"
    dish = {
        "name.zh-CN": "虾仁面",
        "price": "32",
        "tags.signature": "on",
        "tags.spicy": "on",
        "is_active": "on",
    }
    assert (await client.post(items, data={**dish, "csrf_token": token})).status_code == 303
    offering = await Offering.get(listing_id=listing.id)
    assert offering.attributes["tags"] == ["signature", "spicy"]
    page = (await client.get(items)).text
    assert "添加菜品" in visible_text(page)
    assert 'name="tags.signature" value="on" checked' in page

    hidden = {**dish, "is_active": ""}
    assert (
        await client.post(f"{items}/{offering.id}", data={**hidden, "csrf_token": token})
    ).status_code == 303
    assert (await Offering.get(id=offering.id)).is_active is False
    assert "已停售" in visible_text((await client.get(items)).text)
    removed = await client.post(f"{items}/{offering.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 303 and await Offering.filter(listing_id=listing.id).count() == 0


async def test_odd_input_is_a_form_error_never_a_server_error(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    await signed_in(client, resident)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    odd_values = [
        {"lat": "1e999", "lng": "nan"},
        {"lat": "３１．７７", "lng": "１１９．９５"},  # full-width digits from a Chinese keyboard
        {"service_area": "not json", "attributes.service_area_mode": "polygon"},
        {"service_area": "[]", "attributes.service_area_mode": "polygon"},
        {
            "service_area": '{"type": "Polygon", "coordinates": [[["a", "b"]]]}',
            "attributes.service_area_mode": "polygon",
        },
        {"attributes.service_area_mode": "triangle"},
        {"attributes.service_radius_m": "3 km"},
        {"hours.mon": "25:00-26:00", "hours.tue": "09:00-09:00"},
        {"category": "<script>", "tags": "," * 50},
        {"attributes.min_notice_hours": "-1"},
    ]
    for odd in odd_values:
        response = await client.post(path, data={**HOUSEKEEPING_FORM, **odd, "csrf_token": token})
        assert response.status_code in (303, 422), (odd, response.status_code)
        if response.status_code == 422:
            text = visible_text(response.text)
            assert "请修改标出的内容" in text or "请检查" in text, odd
            assert "<script>" not in response.text
            assert "请检查此项" not in text, odd  # every reason here has its own wording
    items_of_nothing = await client.post(
        "/merchant/listings/999999/offerings", data={"csrf_token": token, "price": "1"}
    )
    assert items_of_nothing.status_code == 404
    too_many = {f"f{i}": "x" for i in range(400)}
    response = await client.post(path, data={**too_many, "csrf_token": token})
    assert response.status_code in (400, 413, 422)
