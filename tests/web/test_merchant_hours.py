"""Holiday hours and temporary closures on the 商家中心 listing form: kept on reload, shown on
the public page, and mistakes put next to their row in Chinese with nothing saved."""

from __future__ import annotations

from datetime import datetime

import httpx
from starlette.applications import Starlette

from listings.models import Listing
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.web.merchant_helpers import approved_merchant, form_token, signed_in, visible_text
from tests.web.test_merchant_pages import HOUSEKEEPING_FORM


async def published_listing(
    client: httpx.AsyncClient, city: City, owner: Account, ops: Account
) -> tuple[int, str]:
    merchant = await approved_merchant(city, owner, ops)
    await signed_in(client, owner)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    created = await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    assert created.status_code == 303, visible_text(created.text)
    listing = await Listing.get(merchant_id=merchant.id)
    published = await client.post(
        f"/merchant/listings/{listing.id}/publish", data={"csrf_token": token}
    )
    assert published.status_code == 303
    return listing.id, token


def error_of(html: str, field: str) -> str:
    marker = f'id="e-f-{field.replace(".", "-")}">'
    assert marker in html, f"no error on {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


SPECIAL = {
    "holiday.0.date": "2030-10-01",
    "holiday.0.closed": "on",
    "holiday.1.date": "2030-10-02",
    "holiday.1.hours": "10:00-16:00",
    "closure.0.start": "2030-05-01T00:00",
    "closure.0.end": "2030-05-03T12:00",
    "closure.0.reason": "店内装修",
}


async def test_holidays_and_a_closure_are_kept_and_close_the_public_page(
    app: Starlette, client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id, token = await published_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}"
    form = visible_text((await client.get(path)).text)
    assert "节假日营业时间" in form and "全天休息" in form and "临时停业" in form

    saved = await client.post(path, data={**HOUSEKEEPING_FORM, **SPECIAL, "csrf_token": token})
    assert saved.status_code == 303, visible_text(saved.text)
    listing = await Listing.get(id=listing_id)
    assert listing.hours_exceptions == {"2030-10-01": [], "2030-10-02": [["10:00", "16:00"]]}
    tz = city.tz
    [closure] = listing.closures
    assert datetime.fromisoformat(closure["start"]) == datetime(2030, 5, 1, tzinfo=tz)
    assert datetime.fromisoformat(closure["end"]) == datetime(2030, 5, 3, 12, tzinfo=tz)
    assert closure["reason"] == "店内装修"

    again = (await client.get(path + "?saved=1")).text
    assert 'name="holiday.0.date" type="date" value="2030-10-01"' in again
    assert 'name="holiday.0.closed" id="f-holiday-0-closed" value="on" checked' in again
    assert 'name="holiday.1.hours" value="10:00-16:00"' in again
    assert 'name="closure.0.start" type="datetime-local" value="2030-05-01T00:00"' in again
    assert 'name="closure.0.end" type="datetime-local" value="2030-05-03T12:00"' in again
    assert 'name="closure.0.reason" value="店内装修"' in again
    # saving the form unchanged keeps them as they are
    assert (
        await client.post(path, data={**HOUSEKEEPING_FORM, **SPECIAL, "csrf_token": token})
    ).status_code == 303
    assert (await Listing.get(id=listing_id)).hours_exceptions == listing.hours_exceptions

    client.cookies.clear()
    # a Thursday at 10:00, inside the weekly hours, during the closure
    app.state.clock = lambda: datetime(2030, 5, 2, 10, tzinfo=tz)
    public = await client.get(f"/listings/{listing_id}")
    badge = visible_text(public.text.split('data-testid="open-badge"', 1)[1].split("</p>", 1)[0])
    assert "营业中" not in badge and "店内装修" in badge
    assert "is-closed" in public.text.split('data-testid="open-badge"', 1)[0][-80:]
    # after the closure the weekly hours count again
    app.state.clock = lambda: datetime(2030, 5, 3, 14, tzinfo=tz)
    public = await client.get(f"/listings/{listing_id}")
    assert "营业中" in visible_text(public.text)
    # the holiday closed all day: a Tuesday
    app.state.clock = lambda: datetime(2030, 10, 1, 10, tzinfo=tz)
    public = await client.get(f"/listings/{listing_id}")
    badge = visible_text(public.text.split('data-testid="open-badge"', 1)[1].split("</p>", 1)[0])
    assert "营业中" not in badge and "10:00" in badge  # opens on the 2nd at 10:00


async def test_mistakes_show_next_to_their_row_in_chinese_and_save_nothing(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id, token = await published_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}"
    saved = await client.post(path, data={**HOUSEKEEPING_FORM, **SPECIAL, "csrf_token": token})
    assert saved.status_code == 303
    before = await Listing.get(id=listing_id)

    # the service's refusals: overlapping holiday hours, a closure ending before it starts
    refused = await client.post(
        path,
        data={
            **HOUSEKEEPING_FORM,
            **SPECIAL,
            "holiday.2.date": "2030-10-03",
            "holiday.2.hours": "10:00-14:00, 12:00-16:00",
            "closure.1.start": "2030-06-02T09:00",
            "closure.1.end": "2030-06-01T09:00",
            "closure.1.reason": "盘点",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert "重叠" in error_of(refused.text, "holiday.2.hours")
    assert "2030-10-03" in error_of(refused.text, "holiday.2.hours")
    assert "必须晚于开始时间" in error_of(refused.text, "closure.1.end")
    assert 'name="holiday.2.hours" value="10:00-14:00, 12:00-16:00"' in refused.text
    assert "Please check" not in refused.text and "请检查" not in visible_text(refused.text)

    # the form's own: a date that does not exist, hours that are not times, no reason
    refused = await client.post(
        path,
        data={
            **HOUSEKEEPING_FORM,
            **SPECIAL,
            "holiday.2.date": "2030-02-30",
            "holiday.2.closed": "on",
            "holiday.3.date": "2030-10-05",
            "holiday.3.hours": "上午",
            "holiday.4.date": "2030-10-01",
            "holiday.4.closed": "on",
            "closure.1.start": "下周",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert "2026-10-01" in error_of(refused.text, "holiday.2.date")
    assert "09:00-21:00" in error_of(refused.text, "holiday.3.hours")
    assert "填写了两次" in error_of(refused.text, "holiday.4.date")
    assert "日期和时间" in error_of(refused.text, "closure.1.start")

    refused = await client.post(
        path,
        data={**HOUSEKEEPING_FORM, **SPECIAL, "closure.0.reason": "", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "必填" in error_of(refused.text, "closure.0.reason")

    after = await Listing.get(id=listing_id)
    assert after.hours_exceptions == before.hours_exceptions
    assert after.closures == before.closures
