"""Notice texts from the translation catalogs (`web/locale/<locale>/LC_MESSAGES/messages.po`),
so what a notice says is edited where every other text is, not in code.

The message id is the English text with `{placeholders}`; the catalog gives each locale's text
(an empty English `msgstr` means the id itself). Each catalog is read once per process, on first
use; a notice is written in every locale a catalog exists for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

# the web layer's catalogs: one set of files for pages and notices alike
CATALOG_DIR = Path(__file__).resolve().parents[2] / "web" / "locale"
DOMAIN = "messages"

# a value given per locale: called with the locale's tag ("zh-CN", "en")
Value = Callable[[str], object] | object


def compile_catalog(path: Path) -> NullTranslations:
    """One `.po` file compiled in memory (no build step); empty when there is none. The one
    reader of the catalogs: pages (web.i18n) and notices alike."""
    if not path.is_file():
        return NullTranslations()
    name = path.parents[1].name  # "zh_CN"
    with path.open("rb") as po:
        catalog = read_po(po, locale=name, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


@cache
def catalogs() -> dict[str, NullTranslations]:
    """Locale tag ("zh-CN") -> its compiled catalog."""
    return {
        path.parents[1].name.replace("_", "-"): compile_catalog(path)
        for path in sorted(CATALOG_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


def translated(message: str, locale: str) -> str:
    translations = catalogs().get(locale)
    return message if translations is None else translations.gettext(message)


def say(message: str, locale: str, **values: str) -> str:
    """`message` in `locale` (the id itself where no catalog has it), `%(name)s` filled."""
    return translated(message, locale) % values


def texts(message: str, **values: Value) -> dict[str, str]:
    """`message` in every catalog's locale, `{placeholders}` filled from `values` (a callable
    value is asked for the locale's own: a name, a time)."""
    out: dict[str, str] = {}
    for locale in catalogs():
        filled = {k: v(locale) if callable(v) else v for k, v in values.items()}
        out[locale] = translated(message, locale).format(**filled)
    return out


def joined(parts: list[dict[str, str]]) -> dict[str, str]:
    """Several texts per locale as one, joined the way each locale lists things."""
    out: dict[str, str] = {}
    for locale in catalogs():
        pieces = [part[locale] for part in parts]
        text = pieces[0] if pieces else ""
        for piece in pieces[1:]:
            text = translated("{first}; {second}", locale).format(first=text, second=piece)
        out[locale] = text
    return out
