"""Turning what people type into field errors: dotted paths, per-locale texts, amounts shown back.

Shared by the listing, offering and merchant checks, so every form reports problems alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from marketplace.errors import FieldError, ValidationFailed

NAME_MAX = 120
DESCRIPTION_MAX = 4000
ADDRESS_MAX = 200


def dotted(prefix: str, loc: Iterable[str | int]) -> str:
    path = prefix
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}" if path else part
    return path


def _reason(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    return error["msg"].removeprefix("Value error, ")


def field_errors(exc: ValidationError, prefix: str) -> list[FieldError]:
    return [FieldError(dotted(prefix, e["loc"]), _reason(e)) for e in exc.errors()]


def failed(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def names_errors(
    names: object, locales: Sequence[str], field: str, *, required: Iterable[str], limit: int
) -> list[FieldError]:
    """Problems with a per-locale text: unknown locales, blanks where required, too long."""
    if not isinstance(names, Mapping):
        return [FieldError(field, "must be an object of texts per locale")]
    errors = [
        FieldError(f"{field}.{tag}", f"not one of the city's locales ({', '.join(locales)})")
        for tag in names
        if tag not in locales
    ]
    for tag, text in names.items():
        if not isinstance(text, str):
            errors.append(FieldError(f"{field}.{tag}", "must be text"))
        elif len(text) > limit:
            errors.append(FieldError(f"{field}.{tag}", f"must be at most {limit} characters"))
    errors += [
        FieldError(f"{field}.{tag}", "is required")
        for tag in required
        if not str(names.get(tag) or "").strip()
    ]
    return errors


def clean_names(names: Mapping[str, str]) -> dict[str, str]:
    """Trimmed texts without empty entries, so a blank optional locale is simply absent."""
    return {tag: text.strip() for tag, text in names.items() if text.strip()}


def major_units(minor: int, minor_units: int) -> str:
    """1250 fen -> "12.50": how a stored amount is shown back in a form."""
    return str(Decimal(minor).scaleb(-minor_units).quantize(Decimal(1).scaleb(-minor_units)))
