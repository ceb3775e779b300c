"""Checking out a cart: the one step where stock is taken, so the one place it can be oversold.

Each tracked product's stock drops by a conditional UPDATE (`stock = stock - q WHERE stock >= q`)
inside the transaction that inserts the order; if any line cannot be served the whole
transaction rolls back and no stock moves. Lines are taken in offering-id order so two carts
never wait on each other's rows in opposite orders.

The order row is inserted before any stock is taken: the insert claims the idempotency key
(unique per resident), so copies of one request racing each other meet at the key and replay the
first copy's order, even when it took the last item; they never see `out_of_stock` because of
it. A first copy that fails rolls back and frees the key for the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shapely.geometry import Point
from tortoise.expressions import F

from geo.coords import LatLng
from listings.models import Listing, Offering
from listings.services import locate
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.errors import FieldError
from marketplace.idempotency import request_hash
from marketplace.notices.services import atomic
from marketplace.notices.texts import texts
from marketplace.orders.errors import (
    DeliveryUnavailable,
    NotOrderable,
    OutOfStock,
    OutsideDeliveryArea,
)
from marketplace.orders.kind import ORDERS
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.pickup import check_pickup, rules_for
from marketplace.orders.requests import OrderRequest
from marketplace.orders.types import Fulfilment, OrderState
from marketplace.purchases.creation import create_once, existing, opened
from payments.payables import open_payable
from payments.pricing import Item, Priced, price
from payments.types import LineKind

if TYPE_CHECKING:
    from marketplace.city import City


def _error(cls: type[NotOrderable] | type[OutOfStock], field: str, reason: str) -> Exception:
    return cls(f"{field}: {reason}", errors=[FieldError(field, reason)])


async def _shop(listing_id: int) -> Listing:
    listing = await Listing.get_or_none(
        id=listing_id, status=ListingStatus.PUBLISHED, vertical=Vertical.SHOP
    )
    if listing is None:
        raise _error(NotOrderable, "listing_id", "no published shop has this id")
    return listing


async def _products(listing: Listing, request: OrderRequest) -> dict[int, Offering]:
    wanted = [line.offering_id for line in request.lines]
    found = {
        o.id: o
        for o in await Offering.filter(
            id__in=wanted, listing_id=listing.id, kind=OfferingKind.PRODUCT, is_active=True
        )
    }
    for i, line in enumerate(request.lines):
        offering = found.get(line.offering_id)
        if offering is None:
            raise _error(NotOrderable, f"lines[{i}].offering_id", "this shop sells no such product")
        if offering.stock is not None and offering.stock < line.quantity:
            raise _error(OutOfStock, f"lines[{i}].quantity", f"only {offering.stock} left")
    return found


def _delivery_fee(listing: Listing, request: OrderRequest) -> int:
    """The fee for the way of getting the order chosen, refused when the shop does not offer
    it. Where to deliver does not change the fee; it is checked when the order is placed."""
    attributes = listing.attributes or {}
    if request.fulfilment is Fulfilment.PICKUP:
        if not attributes.get("pickup", True):
            raise DeliveryUnavailable(
                "fulfilment: this shop only delivers",
                errors=[FieldError("fulfilment", "this shop only delivers")],
            )
        return 0
    if not attributes.get("delivery") or listing.service_area is None:
        raise DeliveryUnavailable(
            "fulfilment: this shop does not deliver",
            errors=[FieldError("fulfilment", "this shop does not deliver")],
        )
    return int(attributes.get("delivery_fee") or 0)


def _delivery(city: City, listing: Listing, request: OrderRequest) -> tuple[LatLng | None, int]:
    """The delivery point and fee, or (None, 0) for pickup."""
    fee = _delivery_fee(listing, request)
    if request.fulfilment is Fulfilment.PICKUP:
        return None, 0
    if request.address is None:
        raise DeliveryUnavailable(
            "address: is required for delivery", errors=[FieldError("address", "is required")]
        )
    point, _ = locate(city, request.address.lat, request.address.lng, field="address")
    if not listing.service_area.covers(Point(point.lng, point.lat)):
        reason = "lies outside this shop's delivery area"
        raise OutsideDeliveryArea(f"address: {reason}", errors=[FieldError("address", reason)])
    return point, fee


def price_order(products: dict[int, Offering], request: OrderRequest, fee: int) -> Priced:
    """An item line per cart line (in the order of their products, as the order keeps them)
    and a fee line for a delivery fee."""
    items = [
        Item(
            dict(products[line.offering_id].name or {}),
            line.quantity,
            products[line.offering_id].price,
            f"offering:{line.offering_id}",
        )
        for line in sorted(request.lines, key=lambda line: line.offering_id)
    ]
    if fee:
        items.append(Item(texts("Delivery fee"), 1, fee, None, LineKind.FEE))
    return price(items)


async def quote_order(request: OrderRequest) -> Priced:
    """What placing `request` would charge now, priced by the same step as placing it: no
    stock is taken and nothing is kept. Refused as placing would refuse the cart (no such
    product, too many, a way of getting it the shop does not offer)."""
    listing = await _shop(request.listing_id)
    products = await _products(listing, request)
    return price_order(products, request, _delivery_fee(listing, request))


async def _existing(resident: Account, key: str, digest: str) -> Order | None:
    return await existing(ORDERS, resident, key, digest)


async def place_order(
    city: City,
    resident: Account,
    request: OrderRequest,
    idempotency_key: str,
    *,
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """Hold the cart's stock for the city's hold time; (order, whether it is new)."""
    now = now or clock.now()
    digest = request_hash(request.hash_body())
    found = await _existing(resident, idempotency_key, digest)
    if found is not None:
        return found, False
    listing = await _shop(request.listing_id)
    try:
        products = await _products(listing, request)
    except OutOfStock:
        # a copy of this request may have taken the last items since the look-up above
        found = await _existing(resident, idempotency_key, digest)
        if found is not None:
            return found, False
        raise
    point, fee = _delivery(city, listing, request)
    # the shop's hours decide when it can be ready: refused here, before anything is held
    pickup_at = check_pickup(rules_for(city, listing), request.pickup_at, now)
    priced = price_order(products, request, fee)
    minimum = int((listing.attributes or {}).get("min_order") or 0)
    if priced.total(LineKind.ITEM) < minimum:
        raise _error(NotOrderable, "lines", f"the shop's minimum order is {minimum} minor units")

    async def take(code: str) -> Order:
        return await _take(
            city,
            resident,
            request,
            listing,
            products,
            point,
            (fee, priced),
            (now, pickup_at),
            idempotency_key,
            digest,
            code,
        )

    return await create_once(ORDERS, resident, idempotency_key, digest, take)


async def _take(
    city: City,
    resident: Account,
    request: OrderRequest,
    listing: Listing,
    products: dict[int, Offering],
    point: LatLng | None,
    charges: tuple[int, Priced],
    times: tuple[datetime, datetime],
    key: str,
    digest: str,
    code: str,
) -> Order:
    fee, priced = charges
    now, pickup_at = times
    lines = sorted(enumerate(request.lines), key=lambda pair: pair[1].offering_id)
    async with atomic():
        order = await Order.create(
            code=code,
            resident=resident,
            listing=listing,
            state=OrderState.HELD,
            fulfilment=request.fulfilment,
            delivery_point=None if point is None else point.to_point(),
            delivery_address=(request.address.text.strip() or None) if request.address else None,
            note=request.note.strip() or None,
            delivery_fee=fee,
            amount=priced.amount_due,  # a copy of the payable's amount due
            currency=city.currency,
            hold_expires_at=now + timedelta(minutes=city.cancellation.hold_minutes),
            pickup_at=pickup_at,
            idempotency_key=key,
            request_hash=digest,
        )
        for i, line in lines:
            if products[line.offering_id].stock is None:
                continue
            took = await Offering.filter(id=line.offering_id, stock__gte=line.quantity).update(
                stock=F("stock") - line.quantity
            )
            if not took:
                left = await Offering.get(id=line.offering_id).values_list("stock", flat=True)
                raise _error(OutOfStock, f"lines[{i}].quantity", f"only {left} left")
        await OrderLine.bulk_create(
            [
                OrderLine(
                    order=order,
                    offering_id=line.offering_id,
                    name=dict(products[line.offering_id].name or {}),
                    quantity=line.quantity,
                    unit_price=products[line.offering_id].price,
                    stock_held=products[line.offering_id].stock is not None,
                )
                for line in request.lines
            ]
        )
        await open_payable(
            ORDERS.name,
            order.id,
            resident_id=resident.id,
            merchant_id=listing.merchant_id,  # type: ignore[attr-defined]
            vertical=str(listing.vertical),
            currency=city.currency,
            priced=priced,
        )
        await opened(ORDERS, order, OrderState.HELD, resident, now)
    return order
