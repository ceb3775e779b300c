"""The words of the notices payments sends, from the translation catalogs (gettext `.po` files
under `web/locale`), read once per process and kept. The messages are written in English (the
catalogs' source language) and marked with `N_`, so they can be listed and checked."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

CATALOG_DIR = Path(__file__).resolve().parent.parent / "web" / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a message for the catalogs; translated where it is used."""
    return message


@cache
def _translations(locale: str) -> NullTranslations:
    folder = locale.replace("-", "_")
    path = CATALOG_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=folder, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def load(locales: Iterable[str]) -> None:
    """Read the catalogs now (at start-up) rather than at the first notice."""
    for locale in locales:
        _translations(locale)


def say(message: str, locale: str, **values: str) -> str:
    """`message` in `locale`, its %(name)s placeholders filled with `values`."""
    return _translations(locale).gettext(message) % values
