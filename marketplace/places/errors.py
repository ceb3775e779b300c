"""Errors of the places domain; each names the field and the reason."""

from __future__ import annotations

from marketplace.errors import Conflict, FieldError, NotFound, ValidationFailed


class PlaceInvalid(ValidationFailed):
    code = "place_invalid"


class OutsideCity(PlaceInvalid):
    code = "outside_city"

    def __init__(self, field: str = "lat") -> None:
        reason = "is outside the city"
        super().__init__(f"{field}: {reason}", errors=[FieldError(field, reason)])


class AddressNotFound(NotFound):
    code = "address_not_found"

    def __init__(self) -> None:
        super().__init__("No such saved address.", errors=[FieldError("address_id", "not found")])


class LabelTaken(Conflict):
    code = "label_taken"

    def __init__(self) -> None:
        reason = "another saved address has this label"
        super().__init__(f"label: {reason}", errors=[FieldError("label", reason)])


class TooManyAddresses(Conflict):
    code = "too_many_addresses"

    def __init__(self, limit: int) -> None:
        reason = f"at most {limit} saved addresses"
        super().__init__(f"address: {reason}", errors=[FieldError("label", reason)])
