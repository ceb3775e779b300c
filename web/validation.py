"""Request input, checked where it is read: JSON bodies into pydantic models with field-level 422
errors, ids in paths within their column's range, and no text a database cannot store.

The bounds themselves live in `marketplace.input_bounds`, shared with the domain's models.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request

from marketplace.errors import FieldError, MarketplaceError, ValidationFailed
from marketplace.input_bounds import ID32_MAX, ID64_MAX, Location, text_problems

M = TypeVar("M", bound=BaseModel)

INVALID_BODY = "The request body is not valid."


def _numbers_up_to(high: int) -> str:
    """A regular expression for the decimal numbers 0..`high` (leading zeros allowed), so a
    path whose id cannot exist in the column matches no route: a 404, never a query."""
    limit = str(high)
    same_length = [
        limit[:i] + f"[0-{int(digit) - 1}]" + f"[0-9]{{{len(limit) - i - 1}}}"
        for i, digit in enumerate(limit)
        if digit != "0"
    ]
    return f"0*(?:[0-9]{{1,{len(limit) - 1}}}|{'|'.join([*same_length, limit])})"


class _IdConvertor(Convertor[int]):
    high: int

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 0 <= int(value) <= self.high:
            raise ValueError(f"id {value} is out of range")
        return str(int(value))


class Id32Convertor(_IdConvertor):
    """`{name:id32}`: the id of an int32 column (listings, merchants, offerings, photos,
    accounts)."""

    high = ID32_MAX
    regex = _numbers_up_to(ID32_MAX)


class Id64Convertor(_IdConvertor):
    """`{name:id64}`: the id of a bigint column (bookings, orders, payments)."""

    high = ID64_MAX
    regex = _numbers_up_to(ID64_MAX)


register_url_convertor("id32", Id32Convertor())
register_url_convertor("id64", Id64Convertor())

# How the OpenAPI document describes a path parameter of each convertor.
PATH_PARAM_SCHEMAS: dict[str, dict[str, Any]] = {
    "id32": {"type": "integer", "minimum": 1, "maximum": ID32_MAX},
    "id64": {"type": "integer", "minimum": 1, "maximum": ID64_MAX},
}


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One FieldError per pydantic error, named by its dotted location ("items.0.qty")."""
    errors: list[FieldError] = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        # a validator's own sentence, without pydantic's "Value error, " in front of it
        errors.append(FieldError(field, error["msg"].removeprefix("Value error, ")))
    return errors


def _dotted(where: Location) -> str:
    return ".".join(str(part) for part in where) or "body"


def refuse_unstorable_text(
    decoded: object, *, name: Callable[[Location], str] = _dotted, message: str = INVALID_BODY
) -> None:
    """ValidationFailed naming every string (at any depth) with control characters; `name`
    turns a location into the field name the caller's other errors use."""
    problems: Iterable[tuple[Location, str]] = text_problems(decoded)
    errors = [FieldError(name(where), reason) for where, reason in problems]
    if errors:
        raise ValidationFailed(message, errors=errors)


def require_json_media_type(request: Request) -> None:
    # Requiring the JSON media type also keeps cross-site HTML forms out: a browser sends
    # application/json to another origin only after a CORS preflight this app never grants.
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ValidationFailed.on("body", "must be JSON sent as application/json")


async def parse_json(request: Request, model: type[M]) -> M:
    require_json_media_type(request)
    raw = await request.body()
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as exc:
        raise ValidationFailed(INVALID_BODY, errors=field_errors(exc)) from None
    # the model accepted its shape; now every string in it, free-form objects included
    refuse_unstorable_text(json.loads(raw))
    return parsed


class BodyTooLarge(MarketplaceError):
    code = "too_large"
    status = 413

    def __init__(self, limit: int) -> None:
        reason = f"must be at most {limit} bytes ({limit / 2**20:g} MiB)"
        super().__init__(f"body: {reason}", errors=[FieldError("body", reason)])
        self.limit = limit
