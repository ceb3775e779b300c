"""What residents and merchants are told when a booking changes, in Chinese and English.

One notice per party per change, with a link to where they act on it. Sent inside the change's
transaction (`notices.atomic`), so a rolled-back change tells nobody.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from geo.areas import pick_name
from listings.models import Listing, Merchant
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.codes import display_code
from marketplace.notices.services import notify

RESIDENT_LINK = "/me/bookings"
MERCHANT_LINK = "/merchant/bookings"

# (resident title, merchant title) per new state, {when} and {name} filled in
TITLES: dict[BookingState, tuple[dict[str, str], dict[str, str] | None]] = {
    BookingState.CONFIRMED: (
        {"zh-CN": "预订成功：{name} {when}", "en": "Booked: {name}, {when}"},
        {"zh-CN": "新预订：{when}", "en": "New booking: {when}"},
    ),
    BookingState.COMPLETED: (
        {"zh-CN": "已完成：{name} {when}", "en": "Done: {name}, {when}"},
        None,
    ),
    BookingState.CANCELLED_BY_RESIDENT: (
        {"zh-CN": "已取消预订：{name} {when}", "en": "You cancelled: {name}, {when}"},
        {"zh-CN": "顾客取消了 {when} 的预订", "en": "A customer cancelled {when}"},
    ),
    BookingState.CANCELLED_BY_MERCHANT: (
        {
            "zh-CN": "商家取消了您的预订：{name} {when}",
            "en": "{name} cancelled your {when} booking",
        },
        None,
    ),
    BookingState.EXPIRED: (
        {"zh-CN": "预订未完成，名额已释放：{name} {when}", "en": "Hold expired: {name}, {when}"},
        None,
    ),
    BookingState.NO_SHOW: (
        {"zh-CN": "记为未到店：{name} {when}", "en": "Marked as no-show: {name}, {when}"},
        None,
    ),
}


def local_when(at: datetime, timezone: str, locale: str) -> str:
    local = at.astimezone(ZoneInfo(timezone))
    pattern = "M月d日 EEE HH:mm" if locale.startswith("zh") else "EEE d MMM HH:mm"
    return format_datetime(local, pattern, locale=locale.replace("-", "_"))


def _texts(template: dict[str, str], booking: Booking, listing: Listing, tz: str) -> dict[str, str]:
    return {
        tag: text.format(
            name=pick_name(listing.name, tag), when=local_when(booking.starts_at, tz, tag)
        )
        for tag, text in template.items()
    }


def _body(booking: Booking, refund: str | None) -> dict[str, str]:
    code = display_code(booking.code)
    zh = [f"预订码 {code}"] if booking.state == BookingState.CONFIRMED else []
    en = [f"Code {code}"] if booking.state == BookingState.CONFIRMED else []
    if refund:
        zh.append(f"退款 {refund}")
        en.append(f"Refund {refund}")
    return {"zh-CN": "；".join(zh), "en": "; ".join(en)}


async def booking_changed(booking: Booking, timezone: str, refund: str | None = None) -> None:
    state = BookingState(booking.state)
    if state not in TITLES:
        return
    resident_title, merchant_title = TITLES[state]
    listing = await Listing.get(id=booking.listing_id)  # type: ignore[attr-defined]
    resident = await Account.get(id=booking.resident_id)  # type: ignore[attr-defined]
    body = _body(booking, refund)
    await notify(
        resident,
        f"booking_{state.value}",
        _texts(resident_title, booking, listing, timezone),
        body if any(body.values()) else None,
        f"{RESIDENT_LINK}/{booking.id}",
    )
    if merchant_title is None:
        return
    merchant = await Merchant.get(id=listing.merchant_id)  # type: ignore[attr-defined]
    owner = await Account.get_or_none(id=merchant.owner_id)  # type: ignore[attr-defined]
    if owner is not None:
        await notify(
            owner,
            f"merchant_booking_{state.value}",
            _texts(merchant_title, booking, listing, timezone),
            None,
            MERCHANT_LINK,
        )


async def reminder(booking: Booking, timezone: str) -> None:
    listing = await Listing.get(id=booking.listing_id)  # type: ignore[attr-defined]
    resident = await Account.get(id=booking.resident_id)  # type: ignore[attr-defined]
    title = {"zh-CN": "提醒：{name} {when}", "en": "Reminder: {name}, {when}"}
    await notify(
        resident,
        "booking_reminder",
        _texts(title, booking, listing, timezone),
        {
            "zh-CN": f"预订码 {display_code(booking.code)}",
            "en": f"Code {display_code(booking.code)}",
        },
        f"{RESIDENT_LINK}/{booking.id}",
    )
