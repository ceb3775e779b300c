"""What residents and shops are told when an order changes, in Chinese and English."""

from __future__ import annotations

from geo.areas import pick_name
from listings.models import Listing, Merchant
from marketplace.accounts.models import Account
from marketplace.codes import display_code
from marketplace.notices.services import notify
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState

RESIDENT_LINK = "/me/orders"
MERCHANT_LINK = "/merchant/orders"

TITLES: dict[OrderState, tuple[dict[str, str], dict[str, str] | None]] = {
    OrderState.CONFIRMED: (
        {"zh-CN": "下单成功：{name}", "en": "Order placed: {name}"},
        {"zh-CN": "新订单 #{id}", "en": "New order #{id}"},
    ),
    OrderState.PREPARING: (
        {"zh-CN": "商家已接单：{name}", "en": "{name} is preparing your order"},
        None,
    ),
    OrderState.READY: ({"zh-CN": "订单已备好：{name}", "en": "Your order is ready: {name}"}, None),
    OrderState.PICKED_UP: ({"zh-CN": "已取货：{name}", "en": "Picked up: {name}"}, None),
    OrderState.DELIVERED: ({"zh-CN": "已送达：{name}", "en": "Delivered: {name}"}, None),
    OrderState.CANCELLED_BY_RESIDENT: (
        {"zh-CN": "已取消订单：{name}", "en": "You cancelled your order: {name}"},
        {"zh-CN": "顾客取消了订单 #{id}", "en": "A customer cancelled order #{id}"},
    ),
    OrderState.CANCELLED_BY_MERCHANT: (
        {"zh-CN": "商家取消了您的订单：{name}", "en": "{name} cancelled your order"},
        None,
    ),
    OrderState.EXPIRED: (
        {"zh-CN": "订单未完成，已释放库存：{name}", "en": "Order hold expired: {name}"},
        None,
    ),
}


def _texts(template: dict[str, str], order: Order, listing: Listing) -> dict[str, str]:
    return {
        tag: text.format(name=pick_name(listing.name, tag), id=order.id)
        for tag, text in template.items()
    }


async def order_changed(order: Order) -> None:
    state = OrderState(order.state)
    if state not in TITLES:
        return
    resident_title, merchant_title = TITLES[state]
    listing = await Listing.get(id=order.listing_id)  # type: ignore[attr-defined]
    resident = await Account.get(id=order.resident_id)  # type: ignore[attr-defined]
    code = display_code(order.code)
    body = (
        {"zh-CN": f"取货码 {code}", "en": f"Code {code}"}
        if state in (OrderState.CONFIRMED, OrderState.READY)
        else None
    )
    await notify(
        resident,
        f"order_{state.value}",
        _texts(resident_title, order, listing),
        body,
        f"{RESIDENT_LINK}/{order.id}",
    )
    if merchant_title is None:
        return
    merchant = await Merchant.get(id=listing.merchant_id)  # type: ignore[attr-defined]
    owner = await Account.get_or_none(id=merchant.owner_id)  # type: ignore[attr-defined]
    if owner is not None:
        await notify(
            owner,
            f"merchant_order_{state.value}",
            _texts(merchant_title, order, listing),
            None,
            MERCHANT_LINK,
        )
