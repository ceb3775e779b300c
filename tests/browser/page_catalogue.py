"""Every page of the app, as one table: what `test_layout_holds` opens, and in whose shoes.

A page added to the app is one line here (or one line in `EXCLUDED`, with the reason it has no
layout to check); `test_every_page_route_is_catalogued` fails until it is.

`path` is the URL to open, or a function building it from what the layout test seeded (the ids
`test_layout_holds._seed` returns, by name). `route` is the Starlette route path the page is
served by, exactly as registered, so the catalogue can be checked against the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Who = Literal["guest", "resident", "merchant", "operator"]
Seeded = Mapping[str, Any]
# a place in Changzhou the demo catalogue surrounds (南大街), for pages that sort by distance
CENTRE = "lat=31.7787&lng=119.974"


@dataclass(frozen=True)
class Page:
    name: str  # the screenshot's file name, unique
    # the route path as registered, e.g. "/me/bookings/{booking_id:id64}"; None for the error
    # page a path no route matches gets
    route: str | None
    path: str | Callable[[Seeded], str]
    who: Who
    what: str
    status: int = 200
    click: str | None = None  # a control to press first (a view the page opens on request)

    def url_path(self, seeded: Seeded) -> str:
        return self.path if isinstance(self.path, str) else self.path(seeded)


def _at(template: str) -> Callable[[Seeded], str]:
    """`_at("/listings/{restaurant}")`: the path with seeded ids filled in by name."""
    return lambda seeded: template.format_map(seeded)


LISTING = "/listings/{listing_id:id32}"
BOOKING = "/me/bookings/{booking_id:id64}"
ORDER = "/me/orders/{order_id:id64}"
CHECKOUT = "/checkout/{kind:str}/{payable_id:id64}"
MERCHANT = "/merchant/{merchant_id:id32}"
M_LISTING = "/merchant/listings/{listing_id:id32}"

CATALOGUE: tuple[Page, ...] = (
    # --- residents and guests ------------------------------------------------------------------
    Page("home-guest", "/", "/", "guest", "home page, signed out"),
    Page("home", "/", "/", "resident", "home page, signed in"),
    Page("search", "/search", "/search", "guest", "every listing, no words"),
    Page("search-words", "/search", f"/search?q=面&{CENTRE}", "guest", "results near a place"),
    Page(
        "search-map",
        "/search",
        f"/search?q=面&{CENTRE}",
        "guest",
        "results as a map (markers under the tab bar)",
        click="[data-testid=view-map]",
    ),
    Page("search-empty", "/search", "/search?q=zzzzqqqq", "guest", "nothing found"),
    Page("search-mistake", "/search", "/search?lat=95&lng=119.9", "guest", "bad input", 422),
    Page("nearby", "/nearby", f"/nearby?{CENTRE}", "guest", "nearby listings"),
    Page("listing-restaurant", LISTING, _at("/listings/{restaurant}"), "resident", "table booking"),
    Page("listing-restaurant-guest", LISTING, _at("/listings/{restaurant}"), "guest", "signed out"),
    Page("listing-housekeeping", LISTING, _at("/listings/{cleaning}"), "resident", "slot picker"),
    Page("listing-tutoring", LISTING, _at("/listings/{tutoring}"), "guest", "demo tutor"),
    Page("listing-shop", LISTING, _at("/listings/{shop}"), "resident", "a shop's cart"),
    Page("listing-missing", LISTING, "/listings/987654", "guest", "no such listing", 404),
    Page("login", "/login", "/login", "guest", "sign in"),
    Page("signup", "/signup", "/signup", "guest", "sign up"),
    Page("me", "/me", "/me", "resident", "我的"),
    Page("my-favourites", "/me/favourites", "/me/favourites", "resident", "我的收藏"),
    Page("my-addresses", "/me/addresses", "/me/addresses", "resident", "saved addresses"),
    Page("place-chooser", "/place", "/place?next=/", "guest", "where am I"),
    Page("place-pin", "/place/pin", "/place/pin?next=/", "guest", "drop a pin on the map"),
    Page("my-bookings", "/me/bookings", "/me/bookings", "resident", "我的预订"),
    Page("booking-table", BOOKING, _at("/me/bookings/{table_booking}"), "resident", "free table"),
    Page("booking-paid", BOOKING, _at("/me/bookings/{paid_booking}"), "resident", "paid at store"),
    Page("booking-held", BOOKING, _at("/me/bookings/{held_booking}"), "resident", "on hold"),
    Page("my-orders", "/me/orders", "/me/orders", "resident", "我的订单"),
    Page("order", ORDER, _at("/me/orders/{order}"), "resident", "a confirmed order"),
    Page("order-held", ORDER, _at("/me/orders/{held_order}"), "resident", "an order on hold"),
    Page("checkout-booking", CHECKOUT, _at("/checkout/booking/{held_booking}"), "resident", "pay"),
    Page("checkout-order", CHECKOUT, _at("/checkout/order/{held_order}"), "resident", "pay"),
    Page(
        "checkout-success",
        CHECKOUT + "/success",
        _at("/checkout/booking/{paid_booking}/success"),
        "resident",
        "back from paying",
    ),
    Page(
        "checkout-cancel",
        CHECKOUT + "/cancel",
        _at("/checkout/booking/{held_booking}/cancel"),
        "resident",
        "paying given up",
    ),
    Page("error-not-found", None, "/no-such-page", "guest", "404 page", 404),
    Page("error-forbidden", "/ops", "/ops", "resident", "403 page", 403),
    # --- merchants -----------------------------------------------------------------------------
    Page("merchant-chooser", "/merchant", "/merchant", "merchant", "several businesses"),
    Page("merchant-dashboard", MERCHANT, _at("/merchant/{cleaning_merchant}"), "merchant", "home"),
    Page(
        "merchant-dashboard-restaurant",
        MERCHANT,
        _at("/merchant/{restaurant_merchant}"),
        "merchant",
        "a restaurant's 工作台",
    ),
    Page(
        "merchant-application",
        MERCHANT + "/application",
        _at("/merchant/{pending_merchant}/application"),
        "merchant",
        "an application under review",
    ),
    Page(
        "merchant-bookings",
        MERCHANT + "/bookings",
        _at("/merchant/{cleaning_merchant}/bookings"),
        "merchant",
        "bookings queue",
    ),
    Page(
        "merchant-bookings-restaurant",
        MERCHANT + "/bookings",
        _at("/merchant/{restaurant_merchant}/bookings?tab=upcoming"),
        "merchant",
        "table bookings to come",
    ),
    Page(
        "merchant-orders",
        MERCHANT + "/orders",
        _at("/merchant/{shop_merchant}/orders"),
        "merchant",
        "orders queue",
    ),
    Page(
        "merchant-offerings",
        M_LISTING + "/offerings",
        _at("/merchant/listings/{cleaning}/offerings"),
        "merchant",
        "services and products",
    ),
    Page(
        "merchant-availability",
        M_LISTING + "/offerings/{offering_id:id32}/availability",
        _at("/merchant/listings/{cleaning}/offerings/{cleaning_offering}/availability"),
        "merchant",
        "when a service is offered",
    ),
    Page(
        "merchant-reservations",
        M_LISTING + "/reservations",
        _at("/merchant/listings/{restaurant}/reservations"),
        "merchant",
        "table reservations",
    ),
    Page(
        "merchant-listing-new",
        MERCHANT + "/listings/new",
        _at("/merchant/{cleaning_merchant}/listings/new?vertical=housekeeping"),
        "merchant",
        "new listing form",
    ),
    Page(
        "merchant-listing",
        M_LISTING,
        _at("/merchant/listings/{cleaning}"),
        "merchant",
        "listing form",
    ),
    Page(
        "merchant-photos",
        M_LISTING + "/photos",
        _at("/merchant/listings/{cleaning}/photos"),
        "merchant",
        "photos",
    ),
    Page(
        "merchant-payouts",
        MERCHANT + "/payouts",
        _at("/merchant/{cleaning_merchant}/payouts"),
        "merchant",
        "收款",
    ),
    Page(
        "merchant-staff",
        MERCHANT + "/staff",
        _at("/merchant/{cleaning_merchant}/staff"),
        "merchant",
        "staff",
    ),
    Page(
        "merchant-choose",
        "/merchant/choose",
        "/merchant/choose?q=%E7%8E%8B",
        "merchant",
        "business chooser, filtered by a typed word",
    ),
    Page(
        "merchant-listings",
        MERCHANT + "/listings",
        _at("/merchant/{cleaning_merchant}/listings"),
        "merchant",
        "商品/服务: listings and what each offers",
    ),
    Page(
        "merchant-settings",
        MERCHANT + "/settings",
        _at("/merchant/{cleaning_merchant}/settings"),
        "merchant",
        "设置: application, staff, switch business",
    ),
    Page("merchant-apply", "/merchant/apply", "/merchant/apply", "merchant", "apply form"),
    Page(
        "merchant-invite",
        "/merchant/invites/{token}",
        _at("/merchant/invites/{invite}"),
        "resident",
        "an invitation to join the staff",
    ),
    # --- operators -----------------------------------------------------------------------------
    Page("ops", "/ops", "/ops", "operator", "运营后台"),
    Page("ops-merchants", "/ops/merchants", "/ops/merchants", "operator", "applications"),
    Page("ops-listings", "/ops/listings", "/ops/listings", "operator", "listings"),
    Page(
        "ops-history",
        "/ops/listings/{listing_id:id32}/history",
        _at("/ops/listings/{cleaning}/history"),
        "operator",
        "a listing's history",
    ),
    Page("ops-import", "/ops/import", "/ops/import", "operator", "bulk import"),
    Page("ops-payments", "/ops/payments", "/ops/payments", "operator", "the city's money"),
)

# GET routes with no page of their own to lay out, and why.
EXCLUDED: dict[str, str] = {
    "/healthz": "JSON for the load balancer",
    "/media/{key:path}": "photo bytes",
    "/orders": "redirects to /me/bookings (catalogued)",
    "/merchant/bookings": "redirects to the business's queue or the chooser (both catalogued)",
    "/merchant/orders": "redirects to the business's queue or the chooser (both catalogued)",
    MERCHANT + "/queue-counts": "JSON for the navigation's badges",
    MERCHANT + "/payouts/return": "Stripe's return: asks Stripe, then redirects to payouts",
}
# whole families of routes that answer JSON, not pages
EXCLUDED_PREFIXES: dict[str, str] = {"/api/": "the JSON API"}


def excluded(route: str) -> str | None:
    """Why `route` has no entry in the catalogue, or None when it should have one."""
    if route in EXCLUDED:
        return EXCLUDED[route]
    families = (why for prefix, why in EXCLUDED_PREFIXES.items() if route.startswith(prefix))
    return next(families, None)
