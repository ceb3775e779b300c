"""What every input must fit before it reaches a database or a search engine: the range of the id
columns, how far a page number may go, and text free of control characters.

Shared by the web layer's parsers (`web.validation`, `web.forms`) and the domain's own request
models, so a bound is written once. Out of range is refused where the value is read: PostgreSQL
answers an int32 column asked for 2**31 with an error, SQLite cannot even bind 2**63, and a
NUL byte is "invalid byte sequence" to PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

from marketplace.errors import ValidationFailed

# Tortoise's IntField is PostgreSQL `integer`; BigIntField is `bigint`, as wide as any SQLite
# INTEGER. Ids start at 1 on both.
ID32_MAX = 2**31 - 1
ID64_MAX = 2**63 - 1

# Deeper than anyone pages by hand; bounds the work a single request may ask of an engine.
MAX_PAGE = 10_000

Id32 = Annotated[StrictInt, Field(ge=1, le=ID32_MAX)]
Id64 = Annotated[StrictInt, Field(ge=1, le=ID64_MAX)]

CONTROL_REASON = "must not contain control characters"
SURROGATE_REASON = "must be valid Unicode text"

# C0 controls, DEL and C1 controls. Tab, line feed and carriage return are text where a field
# may hold several lines; a one-line field refuses them too.
_CONTROLS_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROLS_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROLS_ANY = _CONTROLS_IN_LINE
# lone surrogates decode from JSON ("\ud800") but cannot be encoded for any database
_SURROGATES = re.compile("[\ud800-\udfff]")
# at most 19 significant digits: every int64, and nothing that costs int() real work
_WHOLE = re.compile(r"[+-]?0*[0-9]{1,19}")


def text_reason(text: str, *, multiline: bool = True) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if _SURROGATES.search(text):
        return SURROGATE_REASON
    controls = _CONTROLS_IN_TEXT if multiline else _CONTROLS_IN_LINE
    if controls.search(text):
        return CONTROL_REASON
    return None


def strip_controls(text: str) -> str:
    """`text` without control characters or lone surrogates: for search words, where dropping
    them keeps what a person meant."""
    return _SURROGATES.sub("", _CONTROLS_ANY.sub(" ", text))


def _storable(multiline: bool) -> Callable[[str], str]:
    def check(text: str) -> str:
        reason = text_reason(text, multiline=multiline)
        if reason is not None:
            raise ValueError(reason)
        return text

    return check


# The same rules as JSON Schema patterns, so an API's document says what its server refuses.
LINE_PATTERN = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"

# Annotated string types for request models: `Line` is one line (a name, an identifier),
# `Text` may hold line breaks and tabs (a description, a note). The pattern only documents:
# the validator gives the reason.
Line = Annotated[
    str, AfterValidator(_storable(False)), Field(json_schema_extra={"pattern": LINE_PATTERN})
]
Text = Annotated[
    str, AfterValidator(_storable(True)), Field(json_schema_extra={"pattern": TEXT_PATTERN})
]

Location = tuple[str | int, ...]


def text_problems(value: object, where: Location = ()) -> Iterator[tuple[Location, str]]:
    """Every string in decoded JSON or form values (keys included) that cannot be stored,
    with where it is and why. Tabs and line breaks pass: which fields are one line is the
    business of each model's `Line` fields."""
    if isinstance(value, str):
        if (reason := text_reason(value)) is not None:
            yield where, reason
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and (reason := text_reason(key)) is not None:
                yield (*where, key), reason
                continue
            yield from text_problems(item, (*where, key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from text_problems(item, (*where, index))


def whole_number(text: str | None, field: str, *, low: int, high: int) -> int | None:
    """A decimal number from a query string or form, within [low, high]; None when absent.
    Refused before `int()` sees it when it is too long to be in range at all."""
    if text is None or text.strip() == "":
        return None
    if _WHOLE.fullmatch(text.strip()) is None or not low <= int(text) <= high:
        raise ValidationFailed.on(field, f"must be a whole number from {low} to {high}")
    return int(text)


def page_number(text: str | None, field: str = "page") -> int:
    """A page number from 1 to MAX_PAGE; 1 when absent."""
    number = whole_number(text, field, low=1, high=MAX_PAGE)
    return 1 if number is None else number


def id_number(text: str | None, field: str, *, high: int = ID32_MAX) -> int | None:
    """An id from a query string or form: 1 to `high` (ID32_MAX or ID64_MAX, the column's
    width); None when absent."""
    return whole_number(text, field, low=1, high=high)
