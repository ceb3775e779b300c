"""What residents and shops are told when an order changes, in every catalog's language (the
texts are the translation catalogs', `marketplace.notices.texts`)."""

from __future__ import annotations

from geo.areas import pick_name
from listings.models import Listing, Merchant
from marketplace.accounts.models import Account
from marketplace.codes import display_code
from marketplace.notices.services import notify
from marketplace.notices.texts import texts
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState

RESIDENT_LINK = "/me/orders"
MERCHANT_LINK = "/merchant/orders"

# (resident title, merchant title) per new state: message ids of the catalogs, {name} and {id}
# filled in per locale
TITLES: dict[OrderState, tuple[str, str | None]] = {
    OrderState.CONFIRMED: ("Order placed: {name}", "New order #{id}"),
    OrderState.PREPARING: ("{name} is preparing your order", None),
    OrderState.READY: ("Your order is ready: {name}", None),
    OrderState.PICKED_UP: ("Picked up: {name}", None),
    OrderState.DELIVERED: ("Delivered: {name}", None),
    OrderState.CANCELLED_BY_RESIDENT: (
        "You cancelled your order: {name}",
        "A customer cancelled order #{id}",
    ),
    OrderState.CANCELLED_BY_MERCHANT: ("{name} cancelled your order", None),
    OrderState.EXPIRED: ("Order hold expired: {name}", None),
}
CODE = "Pickup code {code}"


def _texts(message: str, order: Order, listing: Listing) -> dict[str, str]:
    return texts(message, name=lambda tag: pick_name(listing.name, tag), id=order.id)


async def order_changed(order: Order) -> None:
    state = OrderState(order.state)
    if state not in TITLES:
        return
    resident_title, merchant_title = TITLES[state]
    listing = await Listing.get(id=order.listing_id)  # type: ignore[attr-defined]
    resident = await Account.get(id=order.resident_id)  # type: ignore[attr-defined]
    body = (
        texts(CODE, code=display_code(order.code))
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
