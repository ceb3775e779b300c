"""What residents and shops are told when an order changes, in every catalog's language (the
texts are the translation catalogs', `marketplace.notices.texts`)."""

from __future__ import annotations

from geo.areas import pick_name
from listings.models import Listing
from marketplace.codes import display_code
from marketplace.notices.texts import texts
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from marketplace.purchases.notices import tell_parties

RESIDENT_LINK = "/me/orders"
# the queue of the business the notice is about, not whichever the reader opened last
MERCHANT_LINK = "/merchant/{merchant_id}/orders"

# (resident title, merchant title) per new state: message ids of the catalogs, {name} and {id}
# filled in per locale
TITLES: dict[OrderState, tuple[str, str | None]] = {
    OrderState.CONFIRMED: ("Order placed: {name}", "New order #{id}"),
    OrderState.ACCEPTED: ("{name} accepted your order", None),
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
    body = (
        texts(CODE, code=display_code(order.code))
        if state in (OrderState.CONFIRMED, OrderState.READY)
        else None
    )
    await tell_parties(
        order,
        listing,
        f"order_{state.value}",
        (_texts(resident_title, order, listing), body, f"{RESIDENT_LINK}/{order.id}"),
        None
        if merchant_title is None
        else (
            _texts(merchant_title, order, listing),
            MERCHANT_LINK.format(merchant_id=listing.merchant_id),
        ),
    )
