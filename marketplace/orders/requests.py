"""What a resident sends to order from a shop: checked into an `OrderRequest` or field errors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, ValidationError

from listings.input_checks import failed, field_errors
from marketplace.errors import ValidationFailed
from marketplace.input_bounds import Id32, Text
from marketplace.orders.types import Fulfilment
from marketplace.purchases.requests import AddressIn

MAX_QUANTITY = 999
MAX_LINES = 50


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    offering_id: Id32
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    listing_id: Id32
    lines: Annotated[tuple[LineIn, ...], Field(min_length=1, max_length=MAX_LINES)]
    fulfilment: Fulfilment = Fulfilment.PICKUP
    address: AddressIn | None = None
    note: Annotated[Text, Field(max_length=500)] = ""
    # when to collect it; None: as soon as possible (the shop's next possible time)
    pickup_at: AwareDatetime | None = None

    def hash_body(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def parse_order_request(data: object, *, address_required: bool = True) -> OrderRequest:
    """`data` checked into an order request. A quote does not need the address yet: where to
    deliver is checked when the order is placed, and the fee does not depend on it."""
    if not isinstance(data, dict):
        raise ValidationFailed.on("body", "must be a JSON object")
    try:
        request = OrderRequest.model_validate(data)
    except ValidationError as exc:
        raise failed(field_errors(exc, "")) from None
    seen: set[int] = set()
    for i, line in enumerate(request.lines):
        if line.offering_id in seen:
            raise ValidationFailed.on(
                f"lines[{i}].offering_id", "appears twice; add up the quantity in one line"
            )
        seen.add(line.offering_id)
    if address_required and request.fulfilment is Fulfilment.DELIVERY and request.address is None:
        raise ValidationFailed.on("address", "is required for delivery")
    return request
