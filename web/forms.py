"""Reading HTML form posts into plain strings."""

from __future__ import annotations

from starlette.requests import Request

# Far above any field of ours; bounds what one post can make the parser hold.
MAX_FIELDS = 50


async def read_form(request: Request) -> dict[str, str]:
    """Text fields of a posted form; files and repeated names beyond the first are ignored."""
    async with request.form(max_fields=MAX_FIELDS, max_files=0) as form:
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, str) and name not in fields:
                fields[name] = value
        return fields
