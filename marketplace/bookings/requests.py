"""What a resident sends to book: checked into a `BookingRequest` or a field-by-field error."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from listings.input_checks import failed, field_errors
from marketplace.errors import ValidationFailed
from marketplace.input_bounds import Id32, Text
from marketplace.purchases.requests import AddressIn

__all__ = ["MAX_PARTY", "AddressIn", "BookingRequest", "parse_booking_request"]

MAX_PARTY = 500


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    listing_id: Id32
    offering_id: Id32 | None = None  # None: a restaurant's table reservation
    starts_at: datetime
    party_size: Annotated[StrictInt, Field(ge=1, le=MAX_PARTY)] = 1
    address: AddressIn | None = None
    note: Annotated[Text, Field(max_length=500)] = ""

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone offset, e.g. 2026-11-28T09:00:00+08:00")
        return value.astimezone(UTC)

    def hash_body(self) -> dict[str, Any]:
        """The request as its idempotency hash sees it (times in UTC, so +08:00 and Z agree)."""
        return self.model_dump(mode="json")


def parse_booking_request(data: object) -> BookingRequest:
    if not isinstance(data, dict):
        raise ValidationFailed.on("body", "must be a JSON object")
    try:
        return BookingRequest.model_validate(data)
    except ValidationError as exc:
        raise failed(field_errors(exc, "")) from None
