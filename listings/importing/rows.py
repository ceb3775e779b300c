"""One import row as the catalogue services take it: cells decoded, numbers parsed, keys checked.

What a listing may contain is checked by the catalogue itself (`listings.catalogue`); this layer
only turns a file's row into that input and reports what it cannot understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from listings.importing.cells import maybe_json, parse_hours, parse_offerings
from listings.types import ListingStatus
from marketplace.errors import FieldError, ValidationFailed

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
LISTING_KEYS = ("category", "name", "description", "address", "attributes", "tags", "service_area")
MERCHANT_KEYS = ("merchant_name", "contact_phone", "contact_email", "contact_name")
KNOWN = frozenset(
    {
        "external_id",
        "vertical",
        "lat",
        "lng",
        "hours",
        "offerings",
        "status",
        *LISTING_KEYS,
        *MERCHANT_KEYS,
    }
)
STATUSES = (ListingStatus.PUBLISHED.value, ListingStatus.DRAFT.value)


@dataclass
class ImportRow:
    line: int
    external_id: str
    vertical: str
    listing: dict[str, Any]  # the keyword input of catalogue.create_listing / update_listing
    offerings: list[dict[str, Any]]
    merchant: dict[str, Any]
    publish: bool
    errors: list[FieldError] = field(default_factory=list)


def _number(value: Any, name: str, errors: list[FieldError]) -> float | None:
    if value is None or value == "":
        errors.append(FieldError(name, "is required"))
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.append(FieldError(name, f"must be a number, got {value!r}"))
        return None
    return number


def _decoded(data: dict[str, Any], key: str, errors: list[FieldError], parse: Any = None) -> Any:
    try:
        value = maybe_json(data[key], key)
        return parse(value) if parse is not None else value
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None


def normalise(line: int, data: dict[str, Any], locales: list[str]) -> ImportRow:
    errors: list[FieldError] = [
        FieldError(key, "unknown column") for key in sorted(data.keys() - KNOWN)
    ]
    external_id = str(data.get("external_id") or "").strip()
    if not EXTERNAL_ID.match(external_id):
        reason = "is required" if not external_id else "use 1-64 letters, digits and . _ : -"
        errors.append(FieldError("external_id", reason))
    status = str(data.get("status") or ListingStatus.PUBLISHED.value).strip().lower()
    if status not in STATUSES:
        errors.append(FieldError("status", f"must be one of {', '.join(STATUSES)}"))
    listing: dict[str, Any] = {
        "lat": _number(data.get("lat"), "lat", errors),
        "lng": _number(data.get("lng"), "lng", errors),
    }
    for key in LISTING_KEYS:
        if key in data:
            listing[key] = _decoded(data, key, errors)
    if "hours" in data:
        listing["weekly_hours"] = _decoded(data, "hours", errors, parse_hours)
    offerings: list[dict[str, Any]] = []
    if "offerings" in data:
        offerings = _decoded(data, "offerings", errors, lambda v: parse_offerings(v, locales)) or []
    merchant = {key: data[key] for key in MERCHANT_KEYS if key in data}
    return ImportRow(
        line=line,
        external_id=external_id,
        vertical=str(data.get("vertical") or "").strip(),
        listing=listing,
        offerings=offerings,
        merchant=merchant,
        publish=status == ListingStatus.PUBLISHED.value,
        errors=errors,
    )
