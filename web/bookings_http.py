"""HTTP details the bookings, orders and merchant-queue routes share: JSON bodies the domain
parses itself, the Idempotency-Key header, and which merchant a staff member is acting for."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel
from starlette.requests import Request

from listings import merchant_reads as reads
from listings.input_checks import dotted
from listings.models import Merchant
from marketplace.accounts.models import Account
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.idempotency import check_key
from marketplace.input_bounds import id_number
from web.validation import parse_json, refuse_unstorable_text

M = TypeVar("M", bound=BaseModel)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_JSON_BYTES = 64 * 1024


def _json_media_type(request: Request) -> None:
    # as in web.validation: cross-site forms cannot send application/json without a preflight
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ValidationFailed.on("body", "must be JSON sent as application/json")


async def read_json(request: Request) -> object:
    """The body as plain JSON, for verbs whose domain parser names the bad fields itself."""
    _json_media_type(request)
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationFailed.on("body", f"must be at most {MAX_JSON_BYTES} bytes")
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationFailed.on("body", "is not valid JSON") from None
    # named as the domain parsers name fields ("lines[0].note")
    refuse_unstorable_text(decoded, name=lambda where: dotted("", where) or "body")
    return decoded


async def optional_body(request: Request, model: type[M]) -> M:
    """`model` from the body, or its defaults when the body is empty."""
    if not await request.body():
        return model()
    return await parse_json(request, model)


def idempotency_key(request: Request) -> str:
    return check_key(request.headers.get(IDEMPOTENCY_HEADER))


async def acting_merchant(account: Account, merchant_id: str | None) -> Merchant:
    """The merchant whose queue a staff member reads: the one named, or their only one (as
    /merchant goes straight to a person's only business)."""
    mine = await reads.merchants_of(account)
    wanted = id_number(merchant_id, "merchant_id")
    if wanted is not None:
        found = next((m for m in mine if m.id == wanted), None)
        if found is None:
            raise NotFound("No such merchant.")
        return found
    if not mine:
        raise PermissionDenied("This account does not work for a merchant.")
    if len(mine) > 1:
        ids = ", ".join(str(m.id) for m in mine)
        raise ValidationFailed.on("merchant_id", f"is required: you work for several ({ids})")
    return mine[0]
