"""Shop orders as a kind of purchase payments takes money for (`payments.purchase_kinds`),
registered when `marketplace.orders` is imported."""

from __future__ import annotations

from marketplace.orders.kind import ORDERS
from marketplace.orders.services import confirm_order
from marketplace.purchases.paying import PayingKind
from payments.purchase_kinds import register

register(
    PayingKind(
        ORDERS,
        link="/me/orders",
        at_store={"confirmed", "accepted", "preparing", "ready", "picked_up", "delivered"},
        confirm_at_store=confirm_order,
    )
)
