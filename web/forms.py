"""Reading HTML form posts into plain strings that a database can store."""

from __future__ import annotations

import re

from starlette.requests import Request

from marketplace.errors import FieldError, ValidationFailed
from marketplace.input_bounds import text_reason

# Far above any field of ours; bounds what one post can make the parser hold.
MAX_FIELDS = 50

INVALID_FORM = "Please check what you entered."
# The fields that may hold several lines (their pages draw a textarea). Every other field is
# one line: a browser never puts a line break or a tab in an input, and one that arrives there
# (in a `back` or `next` path bound for a Location header, say) was not typed.
_MULTILINE = re.compile(r"(reason|note|description(\.[\w-]+)?)")


def checked_fields(fields: dict[str, str]) -> dict[str, str]:
    """`fields` unchanged, or ValidationFailed naming each field with control characters."""
    errors = [
        FieldError(name, reason)
        for name, value in fields.items()
        if (reason := text_reason(value, multiline=bool(_MULTILINE.fullmatch(name)))) is not None
    ]
    if errors:
        raise ValidationFailed(INVALID_FORM, errors=errors)
    return fields


async def read_form(request: Request, *, max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """Text fields of a posted form; files and repeated names beyond the first are ignored.
    A field with control characters (NUL included) is refused, naming it."""
    async with request.form(max_fields=max_fields, max_files=0) as form:
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, str) and name not in fields:
                fields[name] = value
        return checked_fields(fields)
