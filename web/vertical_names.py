"""The four verticals' names as message ids, in the order pages show them.

Its own module so that cards and search (web.search_view) can name verticals without importing
the home page's module, which itself draws cards.
"""

from __future__ import annotations

from listings.types import Vertical
from web.i18n import N_

VERTICAL_TEXT: dict[Vertical, tuple[str, str]] = {
    Vertical.RESTAURANT: (N_("Food"), N_("Restaurants, snacks and takeaway")),
    Vertical.HOUSEKEEPING: (N_("Housekeeping"), N_("Cleaning, nannies and repairs at home")),
    Vertical.TUTORING: (N_("Tutoring"), N_("Tutors and classes for every subject")),
    Vertical.SHOP: (N_("Shops"), N_("Local shops with pickup")),
}
