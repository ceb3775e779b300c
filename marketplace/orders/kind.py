"""Orders as a kind of purchase: what the kernel (`marketplace.purchases`) needs to move,
cancel, expire and redeem an order. Its verbs are in `services`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.expressions import F

from listings.models import Offering
from marketplace.errors import FieldError
from marketplace.lifecycle import ActorRole, TransitionNotAllowed
from marketplace.orders import notices
from marketplace.orders.errors import OrderHoldExpired, OrderNotFound, OrderNotReady
from marketplace.orders.models import Order, OrderEvent, OrderLine
from marketplace.orders.types import ORDER_MACHINE, RELEASING, STEPS, Fulfilment, OrderState
from marketplace.purchases import engine
from marketplace.purchases.kinds import Notice, PurchaseKind, Refund, register
from marketplace.purchases.payment_mode import PaymentMode
from payments.payables import payable_of

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City


ORDER = "order"  # the kind's name, in its codes and payables


async def _release(order: Order) -> None:
    """Give the stock the order's tracked lines took back (in offering order, as taken)."""
    for line in await OrderLine.filter(order_id=order.id, stock_held=True).order_by("offering_id"):
        await Offering.filter(id=line.offering_id).update(  # type: ignore[attr-defined]
            stock=F("stock") + line.quantity
        )


async def _notify(order: Order, notice: Notice) -> None:
    await notices.order_changed(order)


async def paid_ahead(order: Order) -> int:
    """What the resident has paid online for this order: once it is past paying, its payable's
    amount due (paying at pickup or on delivery pays nothing ahead)."""
    if order.payment_mode == PaymentMode.ONLINE and order.state not in (
        OrderState.HELD,
        OrderState.PENDING_PAYMENT,
    ):
        return (await payable_of(ORDER, order.id)).amount_due
    return 0


async def cancellation_refund(city: City, order: Order, role: ActorRole, now: datetime) -> Refund:
    """Cancelling an order refunds whatever was paid online in full (goods, not time)."""
    return Refund(await paid_ahead(order))


async def _redeem(
    city: City, merchant: Account, order: Order, now: datetime, note: str | None = None
) -> Order:
    """The resident's code matched: only an order waiting to be picked up (待取货) is handed
    over. An earlier one is refused with OrderNotReady, so the shop confirms it is ready first
    (`services.ready_and_hand_over`) rather than skipping its steps unseen."""
    if order.state != OrderState.READY:
        if order.state in STEPS:
            raise OrderNotReady(
                f"code: this order is {order.state}, not yet ready for pickup",
                errors=[FieldError("code", f"this order is {order.state}, not yet ready")],
                order_id=order.id,
                state=str(order.state),
            )
        raise TransitionNotAllowed(f"this order is {order.state}")
    return await hand_over(merchant, order, now, note)


async def make_ready(merchant: Account, order: Order, now: datetime) -> Order:
    """Every step still ahead of `order` up to ready, each one a move of its own (so each has
    its time in the history); StateChanged when someone else moved it meanwhile."""
    while order.state in STEPS and order.state != OrderState.READY:
        following = STEPS[STEPS.index(OrderState(order.state)) + 1]
        await engine.move(ORDERS, order, following, ActorRole.MERCHANT, merchant, now)
    return order


async def hand_over(
    merchant: Account, order: Order, now: datetime, note: str | None = None
) -> Order:
    target = (
        OrderState.DELIVERED if order.fulfilment == Fulfilment.DELIVERY else OrderState.PICKED_UP
    )
    return await engine.move(
        ORDERS,
        order,
        target,
        ActorRole.MERCHANT,
        merchant,
        now,
        reason=note,  # how it was settled at the store (`marketplace.completion`)
        extra={"code_used_at": now},
    )


ORDERS = register(
    PurchaseKind(
        name=ORDER,
        model=Order,
        event_model=OrderEvent,
        event_field="order",
        machine=ORDER_MACHINE,
        states=OrderState,
        not_found=OrderNotFound,
        expiring=frozenset({OrderState.HELD, OrderState.PENDING_PAYMENT}),
        expired=OrderState.EXPIRED,
        hold_expired=lambda: OrderHoldExpired(
            "this order's hold has expired and its stock was released; order again"
        ),
        cancelled_by={
            ActorRole.RESIDENT: OrderState.CANCELLED_BY_RESIDENT,
            ActorRole.MERCHANT: OrderState.CANCELLED_BY_MERCHANT,
        },
        releasing=RELEASING,
        release=_release,
        notify=_notify,
        refund=cancellation_refund,
        redeem=_redeem,
        not_redeemable=lambda order: f"this order is {order.state}",
    )
)
