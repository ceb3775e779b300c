"""Booking and order notices read their texts from the translation catalogs and say what they
said when the texts were in code, in Chinese and in English."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.bookings import notices as booking_notices
from marketplace.bookings.types import BookingState as B
from marketplace.notices.texts import joined, texts
from marketplace.orders import notices as order_notices
from marketplace.orders.types import OrderState as O

# the texts as they were written in code before they moved to the catalogs
BOOKING_TITLES = {
    B.CONFIRMED: (
        ("预订成功：{name} {when}", "Booked: {name}, {when}"),
        ("新预订：{when}", "New booking: {when}"),
    ),
    B.COMPLETED: (("已完成：{name} {when}", "Done: {name}, {when}"), None),
    B.CANCELLED_BY_RESIDENT: (
        ("已取消预订：{name} {when}", "You cancelled: {name}, {when}"),
        ("顾客取消了 {when} 的预订", "A customer cancelled {when}"),
    ),
    B.CANCELLED_BY_MERCHANT: (
        ("商家取消了您的预订：{name} {when}", "{name} cancelled your {when} booking"),
        None,
    ),
    B.EXPIRED: (("预订未完成，名额已释放：{name} {when}", "Hold expired: {name}, {when}"), None),
    B.NO_SHOW: (("记为未到店：{name} {when}", "Marked as no-show: {name}, {when}"), None),
}
ORDER_TITLES = {
    O.CONFIRMED: (
        ("下单成功：{name}", "Order placed: {name}"),
        ("新订单 #{id}", "New order #{id}"),
    ),
    O.ACCEPTED: (("商家已接单：{name}", "{name} accepted your order"), None),
    O.PREPARING: (("商家备货中：{name}", "{name} is preparing your order"), None),
    O.READY: (("订单已备好：{name}", "Your order is ready: {name}"), None),
    O.PICKED_UP: (("已取货：{name}", "Picked up: {name}"), None),
    O.DELIVERED: (("已送达：{name}", "Delivered: {name}"), None),
    O.CANCELLED_BY_RESIDENT: (
        ("已取消订单：{name}", "You cancelled your order: {name}"),
        ("顾客取消了订单 #{id}", "A customer cancelled order #{id}"),
    ),
    O.CANCELLED_BY_MERCHANT: (("商家取消了您的订单：{name}", "{name} cancelled your order"), None),
    O.EXPIRED: (("订单未完成，已释放库存：{name}", "Order hold expired: {name}"), None),
}
VALUES = {"name": "N", "when": "W", "id": 7}


def _pair(message: str | None) -> tuple[str, str] | None:
    if message is None:
        return None
    found = texts(message, **VALUES)
    return found["zh-CN"], found["en"]


def _filled(pair: tuple[str, str] | None) -> tuple[str, str] | None:
    return None if pair is None else (pair[0].format(**VALUES), pair[1].format(**VALUES))


def test_booking_and_order_titles_come_from_the_catalogs_unchanged() -> None:
    for table, expected in (
        (booking_notices.TITLES, BOOKING_TITLES),
        (order_notices.TITLES, ORDER_TITLES),
    ):
        assert set(table) == set(expected)
        for state, (resident, merchant) in table.items():
            want_resident, want_merchant = expected[state]
            assert _pair(resident) == _filled(want_resident), state
            assert _pair(merchant) == _filled(want_merchant), state


def test_bodies_and_times_come_from_the_catalogs_unchanged() -> None:
    assert texts(booking_notices.REMINDER, name="N", when="W") == {
        "zh-CN": "提醒：N W",
        "en": "Reminder: N, W",
    }
    assert joined(
        [texts(booking_notices.CODE, code="BCDF-GHJK"), texts(booking_notices.REFUND, refund="¥9")]
    ) == {"zh-CN": "预订码 BCDF-GHJK；退款 ¥9", "en": "Code BCDF-GHJK; Refund ¥9"}
    assert texts(order_notices.CODE, code="BCDF-GHJK") == {
        "zh-CN": "取货码 BCDF-GHJK",
        "en": "Code BCDF-GHJK",
    }
    at = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)
    assert booking_notices.local_when(at, "Asia/Shanghai", "zh-CN") == "12月8日 周二 09:30"
    assert booking_notices.local_when(at, "Asia/Shanghai", "en") == "Tue 8 Dec 09:30"
