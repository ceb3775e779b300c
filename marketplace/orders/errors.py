"""Errors the orders package raises (422: cannot be honoured as asked; 409: conflicts with the
current stock or state)."""

from __future__ import annotations

from marketplace.errors import MarketplaceError


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
