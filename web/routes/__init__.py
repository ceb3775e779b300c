"""Every route of the web layer; `marketplace.app` mounts this list."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from xstatic.pkg import leaflet

# registers the id32/id64 path convertors before any route below is compiled
from web import validation  # noqa: F401
from web.routes import (
    api,
    auth,
    booking_pages,
    bookings_api,
    checkout_pages,
    favourite_pages,
    health,
    listing_pages,
    merchant,
    merchant_api,
    merchant_availability,
    merchant_bookings,
    merchant_bookings_api,
    merchant_completion,
    merchant_orders,
    merchant_payouts,
    ops,
    ops_payments,
    ops_review,
    order_pages,
    orders_api,
    pages,
    payments_webhook,
    photos,
    place_pages,
    search_api,
    search_pages,
)
from web.templating import STATIC_DIR


def all_routes() -> list[BaseRoute]:
    return [
        *pages.routes,
        # the heart's form, 我的收藏 and the favourites API
        *favourite_pages.routes,
        *auth.routes,
        *ops.routes,
        *ops_review.routes,
        *ops_payments.routes,
        # before listing_pages: its /listings/{id} adds the slot picker or the shop's cart
        *booking_pages.routes,
        *order_pages.routes,
        *checkout_pages.routes,
        *listing_pages.routes,
        # before merchant.routes: "/merchant/listings/{id}/reservations" is not a listing action
        *merchant_bookings.routes,
        *merchant_orders.routes,
        *merchant_completion.routes,  # the code box's two steps
        *merchant_payouts.routes,
        *merchant_availability.routes,
        *merchant.routes,
        *api.routes,
        *merchant_api.routes,
        *bookings_api.routes,
        *orders_api.routes,
        *merchant_bookings_api.routes,
        *payments_webhook.routes,
        *search_api.routes,
        *search_pages.routes,
        *place_pages.routes,
        *photos.routes,
        *health.routes,
        # Leaflet ships inside a PyPI package; the app serves it itself (no CDN)
        Mount(
            "/static/vendor/leaflet", app=StaticFiles(directory=leaflet.BASE_DIR), name="leaflet"
        ),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
