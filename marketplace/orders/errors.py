"""Errors the orders package raises (422: cannot be honoured as asked; 409: conflicts with the
current stock or state)."""

from __future__ import annotations

from marketplace.errors import FieldError, MarketplaceError


class NotOrderable(MarketplaceError):
    code = "not_orderable"
    status = 422


class OutOfStock(MarketplaceError):
    code = "out_of_stock"
    status = 409


class DeliveryUnavailable(MarketplaceError):
    code = "delivery_unavailable"
    status = 422


class OutsideDeliveryArea(MarketplaceError):
    code = "outside_delivery_area"
    status = 422


class OrderNotFound(MarketplaceError):
    code = "order_not_found"
    status = 404


class OrderHoldExpired(MarketplaceError):
    code = "hold_expired"
    status = 409


class PickupNotPossible(MarketplaceError):
    """The pickup time chosen is not one the shop can meet (closed, too soon, too far)."""

    code = "pickup_not_possible"
    status = 422


class OrderNotReady(MarketplaceError):
    """A pickup code entered for an order not yet ready: the merchant confirms first that it is
    ready and handed over."""

    code = "order_not_ready"
    status = 409

    def __init__(
        self,
        message: str,
        *,
        errors: list[FieldError] | None = None,
        order_id: int = 0,
        state: str = "",
    ) -> None:
        super().__init__(message, errors=errors)
        self.order_id = order_id
        self.state = state

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "order_id": self.order_id, "state": self.state}
