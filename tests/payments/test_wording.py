"""Notices of payments take their words from the translation catalogs."""

from __future__ import annotations

from marketplace.notices.texts import say
from payments.notify import REFUNDED_LATE_BODY, REFUNDED_LATE_TITLE


def test_notice_words_come_from_the_catalogs() -> None:
    assert (
        say(REFUNDED_LATE_TITLE, "zh-CN", name="保洁 #4") == "付款晚于保留时间，已全额退款：保洁 #4"
    )
    assert say(REFUNDED_LATE_TITLE, "en", name="Cleaning #4") == (
        "Paid after the hold ended, refunded in full: Cleaning #4"
    )
    assert say(REFUNDED_LATE_BODY, "zh-CN", amount="¥120.00") == (
        "您的付款 ¥120.00 到账时名额已释放，我们已发起全额退款。"
    )
    assert say(REFUNDED_LATE_BODY, "fr", amount="€1").startswith("Your payment of €1 arrived")
