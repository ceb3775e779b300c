"""Translations: `.po` catalogs read at start-up and compiled in memory (no build step).

Message ids are English. A locale is written the way the city configuration writes it
("zh-CN"); catalogs live under `web/locale/<zh_CN>/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations
from starlette.requests import HTTPConnection

from marketplace.notices.texts import compile_catalog

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a message id for extraction where it is defined; translated later, where shown."""
    return message


def catalog_dir_name(locale: str) -> str:
    """ "zh-CN" -> "zh_CN", the gettext directory convention."""
    return locale.replace("-", "_")


@cache  # parsing a locale scans every locale name babel knows: once per process is enough
def babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(catalog_dir_name(locale))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def load_translations(locale: str, directory: Path = LOCALE_DIR) -> NullTranslations:
    return compile_catalog(directory / catalog_dir_name(locale) / "LC_MESSAGES" / f"{DOMAIN}.po")


def negotiate(requested: str | None, supported: Iterable[str]) -> str | None:
    """Match "en", "en-US", "zh_cn" or "zh" against the supported locales; None if none fits."""
    if not requested:
        return None
    wanted = requested.strip().replace("_", "-").lower()
    options = list(supported)
    for locale in options:
        if locale.lower() == wanted:
            return locale
    language = wanted.split("-", 1)[0]
    for locale in options:
        if locale.lower().split("-", 1)[0] == language:
            return locale
    return None


class Catalogs:
    """The translations of every locale a city offers, loaded once."""

    def __init__(self, locales: Iterable[str], default: str, directory: Path = LOCALE_DIR) -> None:
        self.locales: tuple[str, ...] = tuple(locales)
        self.default = default
        self._translations = {loc: load_translations(loc, directory) for loc in self.locales}

    def translations(self, locale: str) -> NullTranslations:
        for candidate in (locale, self.default):
            if (found := self._translations.get(candidate)) is not None:
                return found
        return NullTranslations()

    def gettext(self, locale: str, message: str) -> str:
        return self.translations(locale).gettext(message)

    def ngettext(self, locale: str, singular: str, plural: str, n: int) -> str:
        return self.translations(locale).ngettext(singular, plural, n)


def request_locale(conn: HTTPConnection) -> str:
    """The locale chosen for this request by LocaleMiddleware, else the city's default."""
    locale = conn.scope.get("state", {}).get("locale")
    if isinstance(locale, str):
        return locale
    return conn.app.state.city.default_locale


def translator(conn: HTTPConnection) -> Callable[[str], str]:
    """`_ = translator(request)` gives gettext in the request's locale, for Python code."""
    catalogs: Catalogs = conn.app.state.catalogs
    locale = request_locale(conn)
    return lambda message: catalogs.gettext(locale, message)
