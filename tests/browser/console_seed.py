"""`python -m tests.browser.console_seed OWNER_EMAIL PASSWORD` with DATABASE_URL and CITY_DIR
set: an owner of many businesses, one of which (梧桐保洁) has a booking tomorrow and none today,
made in the live server's database through the domain. Prints the ids as JSON."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

from listings import onboarding
from listings.types import Vertical
from marketplace import clock, db
from marketplace.accounts import services as accounts
from marketplace.city import load_city
from tests.support.bookables import HOME, cleaning_of, confirmed_booking, every_day

DISTRICTS = ("南大街", "新北", "武进", "天宁", "钟楼", "金坛", "溧阳")
FIND = ("梧桐保洁 南大街店", "Wutong Cleaning, Nandajie")


async def _seed(email: str, password: str) -> dict[str, object]:
    city = load_city(Path(os.environ["CITY_DIR"]))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        owner = await accounts.sign_up(email, password, "连锁刘老板", "zh-CN")
        operator = await accounts.create_operator(
            f"ops-{uuid4().hex[:8]}@example.test", password, "审核员"
        )
        names = [
            (f"清风家政 {d}{n}号店", f"Breeze Home {d} No. {n}")
            for d in DISTRICTS
            for n in (1, 2, 3)
        ]
        names.insert(9, FIND)
        made: dict[str, int] = {}
        for zh, en in names:
            merchant = await onboarding.apply(
                city,
                owner,
                name={"zh-CN": zh, "en": en},
                vertical=Vertical.HOUSEKEEPING,
                category="cleaning",
                address={"zh-CN": "南大街1号", "en": "1 Nandajie"},
                lat=HOME.lat,
                lng=HOME.lng,
                contact_name="刘老板",
                contact_phone="13800000001",
            )
            made[zh] = (await onboarding.approve(operator, merchant)).id
        chosen = made[FIND[0]]
        from listings.models import Merchant

        listing, offering = await cleaning_of(
            await Merchant.get(id=chosen), every_day("00:00", "24:00", 60, 3)
        )
        resident = await accounts.sign_up(
            f"r-{uuid4().hex[:8]}@example.test", password, "小美", "zh-CN"
        )
        tz = ZoneInfo(city.timezone)
        tomorrow = clock.now().astimezone(tz).date() + timedelta(days=1)
        booking = await confirmed_booking(
            city,
            resident,
            listing,
            offering,
            starts_at=datetime.combine(tomorrow, time(10), tz),
            party_size=2,
        )
        return {"merchant": chosen, "booking": booking.id, "count": len(names)}
    finally:
        await db.close_db()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_seed(*sys.argv[1:3]))))
