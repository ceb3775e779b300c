"""Service errors on the merchant forms: each reason in the reader's language (web.reasons),
placed on the form field it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterable

from listings.hours import DAYS
from marketplace.errors import MarketplaceError
from web.reasons import DAY_NAMES, Translate, translate_reason

TEXT_FIELDS = ("name", "description", "address")
__all__ = ["DAY_NAMES", "form_errors", "form_key"]


def form_key(path: str, known: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """The form field a service error path belongs to; "form" when none matches."""
    names = set(known)
    path = re.sub(r"^(offering|offerings\[\d+\])\.", "", path)
    if aliases and path in aliases:
        return aliases[path]
    if path.startswith("location"):
        return "location"
    if path.startswith("weekly_hours."):
        day = path.split(".", 1)[1][:3]
        return f"hours.{day}" if day in {d.value for d in DAYS} else "hours"
    if path.startswith(("weekly_hours", "hours_exceptions", "closures")):
        return "hours"
    if path.startswith(("service_area", "attributes.service_area_mode")):
        return "service_area"
    candidate = path.split("[", 1)[0]
    while candidate:
        if candidate in names:
            return candidate
        candidate = candidate.rpartition(".")[0]
    return "form"


def form_errors(
    _: Translate,
    exc: MarketplaceError,
    known: Iterable[str],
    *,
    city: str = "",
    aliases: dict[str, str] | None = None,
    locales: Iterable[str] = (),
) -> dict[str, str]:
    """Translated reasons keyed by form field; several on one field are joined. Texts kept per
    locale ("name.zh-CN") get their error on that locale's input."""
    known = list(known)
    known += [f"{key}.{tag}" for key in TEXT_FIELDS for tag in locales]
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        key = form_key(error.field, known, aliases)
        text = translate_reason(_, error.reason, city=city)
        if text not in errors.setdefault(key, []):
            errors[key].append(text)
    if not exc.errors:
        errors["form"] = [translate_reason(_, exc.message, city=city)]
    return {key: " ".join(texts) for key, texts in errors.items()}
