"""Vocabulary of orders: states, fulfilment, and which transition each party may ask for."""

from __future__ import annotations

from enum import StrEnum

from marketplace.lifecycle import ActorRole, Machine

R, M, S = ActorRole.RESIDENT, ActorRole.MERCHANT, ActorRole.SYSTEM


class OrderState(StrEnum):
    HELD = "held"  # stock taken for a few minutes while the resident decides
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"  # placed (新订单): paid, or to be paid at pickup/delivery
    ACCEPTED = "accepted"  # the shop took it on (已接单)
    PREPARING = "preparing"  # the shop is getting it ready (备货中)
    READY = "ready"  # waiting to be picked up, or out for delivery (待取货)
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    CANCELLED_BY_RESIDENT = "cancelled_by_resident"
    CANCELLED_BY_MERCHANT = "cancelled_by_merchant"
    EXPIRED = "expired"


# Entering one of these gives the stock back.
RELEASING = frozenset(
    {OrderState.CANCELLED_BY_RESIDENT, OrderState.CANCELLED_BY_MERCHANT, OrderState.EXPIRED}
)
ACTIVE = frozenset(
    {
        OrderState.HELD,
        OrderState.PENDING_PAYMENT,
        OrderState.CONFIRMED,
        OrderState.ACCEPTED,
        OrderState.PREPARING,
        OrderState.READY,
    }
)
# What the shop does with a placed order, one step at a time: no step may be skipped.
STEPS: tuple[OrderState, ...] = (
    OrderState.CONFIRMED,
    OrderState.ACCEPTED,
    OrderState.PREPARING,
    OrderState.READY,
)


class Fulfilment(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"  # to a point inside the shop's delivery area


O = OrderState  # noqa: E741
ORDER_MACHINE: Machine[OrderState] = Machine(
    "order",
    {
        (O.HELD, O.CONFIRMED): frozenset({R}),  # pay at pickup / on delivery
        (O.HELD, O.PENDING_PAYMENT): frozenset({R}),
        (O.HELD, O.CANCELLED_BY_RESIDENT): frozenset({R}),
        (O.HELD, O.EXPIRED): frozenset({S}),
        (O.PENDING_PAYMENT, O.CONFIRMED): frozenset({S}),
        (O.PENDING_PAYMENT, O.HELD): frozenset({S}),
        (O.PENDING_PAYMENT, O.CANCELLED_BY_RESIDENT): frozenset({R}),
        (O.PENDING_PAYMENT, O.EXPIRED): frozenset({S}),
        (O.CONFIRMED, O.ACCEPTED): frozenset({M}),
        (O.CONFIRMED, O.CANCELLED_BY_RESIDENT): frozenset({R}),
        (O.CONFIRMED, O.CANCELLED_BY_MERCHANT): frozenset({M}),
        (O.ACCEPTED, O.PREPARING): frozenset({M}),
        (O.ACCEPTED, O.CANCELLED_BY_MERCHANT): frozenset({M}),
        (O.PREPARING, O.READY): frozenset({M}),
        (O.PREPARING, O.CANCELLED_BY_MERCHANT): frozenset({M}),
        (O.READY, O.PICKED_UP): frozenset({M}),
        (O.READY, O.DELIVERED): frozenset({M}),
        (O.READY, O.CANCELLED_BY_MERCHANT): frozenset({M}),
    },
)
