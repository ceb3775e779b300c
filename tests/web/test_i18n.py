"""Catalogs: every message the web layer marks has a Chinese translation; money and dates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from marketplace.city import City
from web.i18n import LOCALE_DIR, load_translations, negotiate
from web.templating import format_moment, format_money

WEB = Path(__file__).resolve().parents[2] / "web"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted_ids() -> set[str]:
    found = extract_from_dir(
        str(WEB),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")],
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    )
    return {msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in found}


def catalog(locale: str) -> dict[str, object]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(po) if m.id}


def test_every_marked_message_has_a_chinese_translation() -> None:
    ids = extracted_ids()
    assert len(ids) > 50
    zh = catalog("zh_CN")
    missing = sorted(i for i in ids if not zh.get(i))
    assert missing == []


def test_english_catalog_lists_the_same_messages() -> None:
    assert set(catalog("en")) == set(catalog("zh_CN"))


def test_catalogs_load_without_a_compile_step() -> None:
    zh = load_translations("zh-CN")
    assert zh.gettext("Home") == "首页"
    assert zh.ngettext("%(num)s listed", "%(num)s listed", 3) == "%(num)s 家"
    assert load_translations("en").gettext("Home") == "Home"
    assert load_translations("fr").gettext("Home") == "Home"


def test_negotiate_matches_tags_loosely() -> None:
    locales = ("zh-CN", "en")
    assert negotiate("en-US", locales) == "en"
    assert negotiate("zh_cn", locales) == "zh-CN"
    assert negotiate("zh", locales) == "zh-CN"
    assert negotiate("fr", locales) is None
    assert negotiate(None, locales) is None


def test_money_is_formatted_from_minor_units_as_the_locale_writes_it() -> None:
    assert format_money(3800, "zh-CN", "CNY", 2, whole=False) == "¥38.00"
    assert format_money(3800, "zh-CN", "CNY", 2, whole=True) == "¥38"
    assert format_money(3850, "zh-CN", "CNY", 2, whole=True) == "¥38.50"
    assert format_money(123456, "en", "CNY", 2, whole=False) == "CN¥1,234.56"
    assert format_money(500, "en", "JPY", 0, whole=False) == "¥500"


def test_moments_are_shown_in_the_city_time_zone(city: City) -> None:
    # 16:30 UTC is half past midnight of the next day in Changzhou.
    moment = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    assert format_moment(moment, "zh-CN", city.tz, "yyyy-MM-dd HH:mm") == "2025-03-02 00:30"
    assert "Mar 2, 2025" in format_moment(moment, "en", city.tz)
