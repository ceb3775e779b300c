"""The layers of the code, bottom first: what tests/test_dependencies.py enforces and
`scripts/import-graph --layers` draws. A unit (see `import_graph.unit_of`) may import units of
its own layer and of the layers below it.
"""

from __future__ import annotations

# the purchase domains: what a resident buys. Payments must not know any of them.
PURCHASE_DOMAINS = frozenset(
    {
        "marketplace.bookings",
        "marketplace.orders",
        "marketplace.purchases",
        "marketplace.redeem",
        "marketplace.completion",  # completing by code, with what the store received
        "marketplace.reviews",
        "marketplace.deals",
        "marketplace.promotions",
        "marketplace.membership",
        "marketplace.referrals",
        # favourites and recently viewed: the home page's "popular" counts purchases
        "marketplace.favourites",
    }
)

# bottom first; a unit may import units of its own layer and of the layers before it
LAYERS: dict[str, frozenset[str]] = {
    "kernel": frozenset(
        {
            "geo",
            "marketplace",  # the package itself: an empty namespace
            "marketplace.errors",
            "marketplace.clock",
            "marketplace.db",
            "marketplace.settings",
            "marketplace.input_bounds",
            "marketplace.idempotency",
            "marketplace.lifecycle",
            "marketplace.codes",
            "marketplace.verticals",
            "marketplace.city",
            "marketplace.accounts",
            "marketplace.notices",
            "marketplace.places",  # where residents are: kernel, as accounts are
        }
    ),
    "listings": frozenset({"listings"}),
    "search": frozenset({"search"}),
    "payments": frozenset({"payments"}),
    "purchase domains": PURCHASE_DOMAINS,
    "web": frozenset({"web"}),
    "app assembly": frozenset(
        {
            "marketplace.app",
            "marketplace.asgi",
            "marketplace.cli",
            "marketplace.serving",
            "marketplace.worker",
            "marketplace.demo",
            "marketplace.migrations",
        }
    ),
}
LAYER_OF = {unit: layer for layer, members in LAYERS.items() for unit in members}
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
