"""The merchant console of its own, without a browser, on both databases: its navigation instead
of the resident tab bar, notices and counts of the business on screen only, the business chooser
(search, memory across sign-in) and queues that open on the tab with work."""

from __future__ import annotations

import re
from datetime import datetime

import httpx

from listings import onboarding
from listings.models import Merchant
from listings.types import Vertical
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.notices import services as notices
from tests.support.bookables import (
    HOME,
    cleaning_of,
    confirmed_booking,
    confirmed_order,
    every_day,
    shop_of,
)
from tests.web.merchant_helpers import account, form_token, signed_in, visible_text
from web.queue_tabs import Tab, choose_tab

ALL_DAY = every_day("00:00", "24:00", 60, 3)


async def _business(
    city: City,
    owner: Account,
    operator: Account,
    zh: str,
    en: str,
    vertical: Vertical = Vertical.HOUSEKEEPING,
) -> Merchant:
    category = {Vertical.HOUSEKEEPING: "cleaning", Vertical.SHOP: "grocery"}[vertical]
    merchant = await onboarding.apply(
        city,
        owner,
        name={"zh-CN": zh, "en": en},
        vertical=vertical,
        category=category,
        address={"zh-CN": "南大街1号", "en": "1 Nandajie"},
        lat=HOME.lat,
        lng=HOME.lng,
        contact_name=owner.display_name,
        contact_phone="13800000001",
    )
    return await onboarding.approve(operator, merchant)


def _section(page: str, testid: str) -> str:
    """The HTML of the element marked `data-testid=testid`, up to its section's end."""
    start = page.find(f'data-testid="{testid}"')
    return "" if start < 0 else page[start : page.find("</section>", start)]


def _count(page: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">\s*<span class="m-work-count">(\d+)</span>', page)
    assert found is not None, testid
    return int(found.group(1))


# ---- the frame ----


async def test_the_console_has_its_own_navigation_not_the_resident_tab_bar(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    owner = await account("owner@example.com", "王老板")
    one = await _business(city, owner, operator, "金牌家政", "Golden Housekeeping")
    await signed_in(client, owner)
    page = (await client.get(f"/merchant/{one.id}")).text
    assert 'class="tabbar"' not in page and 'class="topnav"' not in page
    nav = page[page.index('class="m-nav"') : page.index("</nav>", page.index('class="m-nav"'))]
    labels = re.findall(r'<span class="m-nav-text">([^<]+)</span>', nav)
    assert labels == ["工作台", "预约", "订单", "商品/服务", "收款", "设置"]
    for suffix in ("", "/bookings", "/orders", "/listings", "/payouts", "/settings"):
        assert f'href="/merchant/{one.id}{suffix}"' in nav
        assert (await client.get(f"/merchant/{one.id}{suffix}")).status_code == 200
    assert "金牌家政" in _section(page, "business-switcher") or "金牌家政" in page.split("m-top")[1]
    assert "/merchant/choose" not in page.split('class="m-frame')[0]  # one business: no switch

    english = (await client.get(f"/merchant/{one.id}?lang=en")).text
    labels = re.findall(r'<span class="m-nav-text">([^<]+)</span>', english)
    assert labels == ["Dashboard", "Bookings", "Orders", "Catalogue", "Payments", "Settings"]
    assert "Golden Housekeeping" in english

    # a page of a listing belongs to 商品/服务, the application to 设置
    listing, _offering = await cleaning_of(one, ALL_DAY)
    edit = (await client.get(f"/merchant/listings/{listing.id}?lang=zh-CN")).text
    assert re.search(r'is-active" href="/merchant/\d+/listings"', edit)
    application = (await client.get(f"/merchant/{one.id}/application")).text
    assert re.search(r'is-active" href="/merchant/\d+/settings"', application)


# ---- scoping: one business's notices and counts never on another's dashboard ----


async def test_notices_and_counts_belong_to_the_business_on_screen(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    owner = await account("owner@example.com", "王老板")
    resident = await account("mei@example.com", "小美")
    cleaning = await _business(city, owner, operator, "金牌家政", "Golden Housekeeping")
    grocery = await _business(city, owner, operator, "街角杂货", "Corner Store", Vertical.SHOP)
    listing, offering = await cleaning_of(cleaning, ALL_DAY)
    shop, product = await shop_of(grocery)
    await confirmed_booking(city, resident, listing, offering)
    await confirmed_order(city, resident, shop, product)
    await signed_in(client, owner)

    board = (await client.get(f"/merchant/{cleaning.id}")).text
    told = visible_text(_section(board, "notices"))
    assert "金牌家政" in told and "新预订" in told  # its approval, its booking
    assert "街角杂货" not in told and "新订单" not in told  # never the shop's news
    assert _count(board, "work-today") + _count(board, "work-upcoming") == 1
    assert _count(board, "work-orders") == 0
    assert _count(board, "work-notices") == 2
    # each notice opens the queue of its own business, not the one opened last
    assert f'href="/merchant/{cleaning.id}/bookings"' in _section(board, "notices")

    shop_board = (await client.get(f"/merchant/{grocery.id}")).text
    told = visible_text(_section(shop_board, "notices"))
    assert "街角杂货" in told and "新订单" in told
    assert "金牌家政" not in told and "新预订" not in told
    assert _count(shop_board, "work-today") + _count(shop_board, "work-upcoming") == 0
    assert _count(shop_board, "work-orders") == 1
    assert _count(shop_board, "work-notices") == 2
    assert f'href="/merchant/{grocery.id}/orders"' in _section(shop_board, "notices")

    # marking the housekeeping's notices read leaves the shop's unread
    token = await form_token(client, f"/merchant/{cleaning.id}")
    read = await client.post(
        "/merchant/notices/read",
        data={
            "csrf_token": token,
            "merchant": str(cleaning.id),
            "back": f"/merchant/{cleaning.id}",
        },
    )
    assert read.status_code == 303
    assert _section((await client.get(f"/merchant/{cleaning.id}")).text, "notices") == ""
    assert _count((await client.get(f"/merchant/{grocery.id}")).text, "work-notices") == 2

    # and a business that is not the reader's cannot be used to mark anything
    stranger = await account("other@example.com", "李老板")
    theirs = await _business(city, stranger, operator, "别家保洁", "Someone Else's")
    refused = await client.post(
        "/merchant/notices/read",
        data={"csrf_token": token, "merchant": str(theirs.id), "back": "/merchant"},
    )
    assert refused.status_code in (403, 404)
    assert await notices.unread_count(stranger, merchant_id=theirs.id) == 1
    for bad in ("abc", "9" * 30, "-1"):
        sent = await client.post(
            "/merchant/notices/read", data={"csrf_token": token, "merchant": bad, "back": "/"}
        )
        assert sent.status_code == 404, bad
    assert _count((await client.get(f"/merchant/{grocery.id}")).text, "work-notices") == 2


async def test_the_notices_query_filters_by_business(city: City, operator: Account) -> None:
    owner = await account("owner@example.com", "王老板")
    one = await _business(city, owner, operator, "一号店", "Shop One")
    two = await _business(city, owner, operator, "二号店", "Shop Two")
    await notices.notify(owner, "other", {"zh-CN": "不属于任何店铺"})
    assert await notices.unread_count(owner) == 3  # the account sees all of its notices
    assert [n.merchant_id for n in await notices.unread(owner, merchant_id=one.id)] == [one.id]
    assert await notices.unread_count(owner, merchant_id=two.id) == 1
    assert await notices.mark_read(owner, merchant_id=one.id) == 1
    assert await notices.unread_count(owner, merchant_id=two.id) == 1
    assert await notices.unread_count(owner) == 2


# ---- the chooser: search, and memory of the last business across sign-in ----


def _shown_rows(page: str) -> list[int]:
    """Ids of the chooser's rows that are not hidden."""
    return [
        int(mid)
        for attrs, mid in re.findall(
            r'<li data-chooser-row([^>]*)>\s*<a class="card m-choose-row" href="/merchant/(\d+)"',
            page,
        )
        if "hidden" not in attrs
    ]


async def test_the_chooser_filters_by_name_and_remembers_the_last_business(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    owner = await account("chain@example.com", "连锁老板")
    many = [
        await _business(city, owner, operator, f"清风家政 {n:02d} 店", f"Breeze Home {n:02d}")
        for n in range(1, 13)
    ]
    noodles = await _business(city, owner, operator, "老街面馆", "Old Street Noodles")
    await signed_in(client, owner)

    # nothing remembered yet: the choice, every business listed
    assert (await client.get("/merchant")).headers["location"] == "/merchant/choose"
    everything = (await client.get("/merchant/choose")).text
    assert len(_shown_rows(everything)) == 13 and "共 13 家店铺" in visible_text(everything)

    # typing part of a name, in either language, any case or width of letters
    for typed in ("面馆", "old street", "ＮＯＯＤＬＥＳ", "街 面"):
        found = (await client.get("/merchant/choose", params={"q": typed})).text
        assert _shown_rows(found) == [noodles.id], typed
    seven = (await client.get("/merchant/choose", params={"q": "07"})).text
    assert _shown_rows(seven) == [many[6].id]
    assert "共 13 家，显示 1 家" in visible_text(seven)
    none = (await client.get("/merchant/choose", params={"q": "火锅"})).text
    assert _shown_rows(none) == [] and "没有名称包含这些字的店铺" in visible_text(none)
    assert "data-chooser-empty hidden" not in none
    long = await client.get("/merchant/choose", params={"q": "x" * 5000})
    assert long.status_code == 200

    # opening a business is choosing it: /merchant and the queues' links come back to it
    assert (await client.get(f"/merchant/{many[6].id}")).status_code == 200
    assert (await client.get("/merchant")).headers["location"] == f"/merchant/{many[6].id}"
    assert (await client.get("/merchant/bookings")).headers[
        "location"
    ] == f"/merchant/{many[6].id}/bookings"
    listed = (await client.get("/merchant/choose")).text
    assert _shown_rows(listed)[0] == many[6].id and "上次打开" in visible_text(listed)
    board = (await client.get(f"/merchant/{many[6].id}")).text
    assert 'href="/merchant/choose"' in board  # the switcher, for staff of several

    # it is kept on the account: signing out and in again opens the same business
    await signed_in(client, owner)
    assert (await client.get("/merchant")).headers["location"] == f"/merchant/{many[6].id}"

    # another account's business is neither chosen nor remembered
    stranger = await account("other@example.com", "李老板")
    theirs = await _business(city, stranger, operator, "别家保洁", "Someone Else's")
    assert (await client.get(f"/merchant/{theirs.id}")).status_code in (403, 404)
    assert (await client.get("/merchant")).headers["location"] == f"/merchant/{many[6].id}"


async def test_a_business_no_longer_ones_own_is_forgotten(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    from listings.models import MerchantStaff

    owner = await account("owner@example.com", "王老板")
    helper = await account("helper@example.com", "小李")
    first = await _business(city, owner, operator, "一号店", "Shop One")
    second = await _business(city, owner, operator, "二号店", "Shop Two")
    third = await _business(city, helper, operator, "小李的店", "Li's")
    for merchant in (first, second):
        await MerchantStaff.create(merchant=merchant, account=helper)
    await signed_in(client, helper)
    await client.get(f"/merchant/{first.id}")
    assert (await client.get("/merchant")).headers["location"] == f"/merchant/{first.id}"
    await MerchantStaff.filter(merchant_id=first.id, account_id=helper.id).delete()
    assert (await client.get("/merchant")).headers["location"] == "/merchant/choose"
    assert first.id not in _shown_rows((await client.get("/merchant/choose")).text)
    assert third.id in _shown_rows((await client.get("/merchant/choose")).text)


# ---- queues open on the tab with work, with counts on each tab ----


def test_choose_tab_prefers_the_choice_then_work_then_the_first() -> None:
    tabs = [Tab("today", "For today", 0), Tab("upcoming", "Coming up", 3)]
    assert choose_tab(tabs) == "upcoming"
    assert choose_tab(tabs, "today") == "today"  # an explicit choice wins
    assert choose_tab(tabs, "nonsense") == "upcoming"  # a stale link is no choice
    assert choose_tab([Tab("today", "", 0), Tab("upcoming", "", 0)]) == "today"
    assert choose_tab([Tab("today", "", 2), Tab("upcoming", "", 3)]) == "today"
    states = [Tab("new", "", 0), Tab("accepted", "", 0), Tab("preparing", "", 4)]
    assert choose_tab(states) == "preparing"  # any number of tabs, in the queue's order


def _active_tab(page: str) -> str:
    found = re.search(r'aria-current="page" data-testid="tab-(\w+)"', page)
    assert found is not None
    return found.group(1)


def _tab_count(page: str, key: str) -> int:
    found = re.search(rf'data-testid="tab-{key}">[^<]*<span class="q-tab-count">(\d+)</span>', page)
    assert found is not None, key
    return int(found.group(1))


async def test_the_bookings_queue_opens_where_work_waits(
    client: httpx.AsyncClient, city: City, operator: Account, time_machine
) -> None:
    time_machine.move_to(datetime(2026, 12, 7, 9, 5, tzinfo=city.tz))
    owner = await account("owner@example.com", "王老板")
    resident = await account("mei@example.com", "小美")
    business = await _business(city, owner, operator, "金牌家政", "Golden Housekeeping")
    listing, offering = await cleaning_of(business, ALL_DAY)
    for day in (8, 9):
        await confirmed_booking(
            city, resident, listing, offering, starts_at=datetime(2026, 12, day, 10, tzinfo=city.tz)
        )
    await signed_in(client, owner)
    path = f"/merchant/{business.id}/bookings"

    # nothing today, two later: the queue opens on 即将到来, each tab counting its work
    page = (await client.get(path)).text
    assert _active_tab(page) == "upcoming"
    assert _tab_count(page, "today") == 0 and _tab_count(page, "upcoming") == 2
    assert page.count('data-testid="booking-') == 2
    # its actions come back to the tab shown, not to the choice made afresh
    assert f'name="back" value="{path}?tab=upcoming"' in page

    # asked for today, today it is (with its empty message)
    today = (await client.get(path, params={"tab": "today"})).text
    assert _active_tab(today) == "today" and "今天没有预订" in visible_text(today)

    # once there is work today, the queue opens on today
    await confirmed_booking(
        city, resident, listing, offering, starts_at=datetime(2026, 12, 7, 15, tzinfo=city.tz)
    )
    page = (await client.get(path)).text
    assert _active_tab(page) == "today"
    assert _tab_count(page, "today") == 1 and _tab_count(page, "upcoming") == 2

    # the dashboard's counts lead to the same tabs
    board = (await client.get(f"/merchant/{business.id}")).text
    assert _count(board, "work-today") == 1 and _count(board, "work-upcoming") == 2
