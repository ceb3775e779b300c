"""Request bodies for the JSON API: pydantic models in, field-level 422 errors out."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from marketplace.errors import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)

INVALID_BODY = "The request body is not valid."


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One FieldError per pydantic error, named by its dotted location ("items.0.qty")."""
    errors: list[FieldError] = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        errors.append(FieldError(field, error["msg"]))
    return errors


async def parse_json(request: Request, model: type[M]) -> M:
    # Requiring the JSON media type also keeps cross-site HTML forms out: a browser sends
    # application/json to another origin only after a CORS preflight this app never grants.
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ValidationFailed.on("body", "must be JSON sent as application/json")
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        raise ValidationFailed(INVALID_BODY, errors=field_errors(exc)) from None
