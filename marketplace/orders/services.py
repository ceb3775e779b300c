"""The verbs of an order after checkout: confirm, cancel, prepare, ready, hand over by code,
expire. Each is one transaction that moves the state through `marketplace.lifecycle`, gives the
stock back when the new state releases it (once: only the transition that changed the row does),
records who did it and tells the resident and the shop.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.expressions import F

from listings.models import Listing, Offering
from listings.permissions import is_staff_of
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.types import PaymentMode, payment_mode_for
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole, StateChanged, advance
from marketplace.notices.services import atomic
from marketplace.orders import notices
from marketplace.orders.checkout import place_order
from marketplace.orders.errors import OrderHoldExpired, OrderNotFound
from marketplace.orders.models import Order, OrderEvent, OrderLine
from marketplace.orders.types import ORDER_MACHINE, RELEASING, Fulfilment, OrderState

if TYPE_CHECKING:
    from marketplace.city import City

__all__ = ["advance_order", "cancel_order", "confirm_order", "expire_orders", "place_order"]


async def get_order(actor: Account, order_id: int) -> tuple[Order, ActorRole]:
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise OrderNotFound("No such order.")
    if order.resident_id == actor.id:  # type: ignore[attr-defined]
        return order, ActorRole.RESIDENT
    listing = await Listing.get(id=order.listing_id)  # type: ignore[attr-defined]
    if await is_staff_of(actor, listing.merchant_id):  # type: ignore[attr-defined]
        return order, ActorRole.MERCHANT
    raise OrderNotFound("No such order.")


async def move(
    order: Order,
    target: OrderState,
    role: ActorRole,
    actor: Account | None,
    now: datetime,
    *,
    reason: str | None = None,
    extra: dict[str, object] | None = None,
) -> Order:
    from_state = order.state
    async with atomic():
        await advance(ORDER_MACHINE, Order, order, target, role, at=now, extra=extra)
        if target in RELEASING:
            for line in await OrderLine.filter(order_id=order.id, stock_held=True).order_by(
                "offering_id"
            ):
                await Offering.filter(id=line.offering_id).update(  # type: ignore[attr-defined]
                    stock=F("stock") + line.quantity
                )
        await OrderEvent.create(
            order=order,
            from_state=from_state,
            to_state=target,
            actor=actor,
            actor_role=role,
            reason=reason,
            at=now,
        )
        await notices.order_changed(order)
    return order


async def confirm_order(
    city: City,
    resident: Account,
    order_id: int,
    payment_mode: PaymentMode | str,
    *,
    now: datetime | None = None,
) -> Order:
    """Pay at the store: confirmed now. Online, the order stays held: paying starts at
    checkout (`payments.start_payment`), the one path to pending payment."""
    now = now or clock.now()
    order, role = await get_order(resident, order_id)
    if role is not ActorRole.RESIDENT:
        raise OrderNotFound("No such order.")
    mode = payment_mode_for(payment_mode, city.payments.providers)
    expires = order.hold_expires_at
    if order.state == OrderState.HELD and expires is not None and expires <= now:
        await move(order, OrderState.EXPIRED, ActorRole.SYSTEM, None, now)
        raise OrderHoldExpired(
            "this order's hold has expired and its stock was released; order again"
        )
    if mode is PaymentMode.PAY_AT_STORE:
        return await move(
            order,
            OrderState.CONFIRMED,
            role,
            resident,
            now,
            extra={"payment_mode": mode.value, "hold_expires_at": None},
        )
    return order  # online: held until checkout starts the payment (`payments.start_payment`)


async def cancel_order(
    city: City,
    actor: Account,
    order_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Cancelling an order refunds whatever was paid online in full (goods, not time)."""
    now = now or clock.now()
    order, role = await get_order(actor, order_id)
    by_merchant = role is ActorRole.MERCHANT
    target = OrderState.CANCELLED_BY_MERCHANT if by_merchant else OrderState.CANCELLED_BY_RESIDENT
    paid = (
        order.amount
        if order.payment_mode == PaymentMode.ONLINE
        and order.state not in (OrderState.HELD, OrderState.PENDING_PAYMENT)
        else 0
    )
    return await move(
        order,
        target,
        role,
        actor,
        now,
        reason=(reason or "").strip()[:300] or None,
        extra={"refund_due": paid, "hold_expires_at": None},
    )


async def advance_order(
    merchant: Account, order_id: int, target: OrderState | str, *, now: datetime | None = None
) -> Order:
    """The shop accepts (preparing) or marks ready; handing over needs the code (redeem)."""
    now = now or clock.now()
    order, role = await get_order(merchant, order_id)
    try:
        target = OrderState(target)
    except ValueError:
        raise ValidationFailed.on(
            "state", "must be one of: " + ", ".join(s.value for s in OrderState)
        ) from None
    if target in (OrderState.PICKED_UP, OrderState.DELIVERED):
        raise ValidationFailed.on("code", "enter the resident's code to hand the order over")
    return await move(order, target, role, merchant, now)


async def hand_over(merchant: Account, order: Order, *, now: datetime | None = None) -> Order:
    """Called by `marketplace.redeem` once the resident's code matched."""
    now = now or clock.now()
    target = (
        OrderState.DELIVERED if order.fulfilment == Fulfilment.DELIVERY else OrderState.PICKED_UP
    )
    return await move(order, target, ActorRole.MERCHANT, merchant, now, extra={"code_used_at": now})


async def expire_orders(*, now: datetime | None = None) -> int:
    now = now or clock.now()
    due = await Order.filter(
        state__in=[OrderState.HELD, OrderState.PENDING_PAYMENT], hold_expires_at__lte=now
    ).order_by("id")
    expired = 0
    for order in due:
        try:
            await move(order, OrderState.EXPIRED, ActorRole.SYSTEM, None, now)
        except StateChanged:
            continue
        expired += 1
    return expired
