"""Resident pages: the home page and 我的 (the account page).

The home page knows where the resident is (`place_of`) and who they are: open now near the
place (from the search index, no database), popular in the place's district this week (one
aggregate query), their favourites and their recently viewed listings (one query each), then the
categories. Every section's cards are read together (`listings.cards`: three queries for any
number), so a section adds at most one query to a page view. A section that needs the database
is left out while it cannot be reached; the page itself still answers.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.coords import LatLng
from listings import services as listings
from listings.types import Vertical
from marketplace.accounts import Role
from marketplace.accounts.models import Account
from marketplace.db import is_unavailable
from marketplace.errors import ValidationFailed
from marketplace.favourites import services as favourites
from marketplace.favourites.popular import district_for, popular_in_district
from search.city_query import SearchParams, build_query
from search.interfaces import SearchUnavailable
from web.auth import require_account
from web.degraded import account_if_reachable, counts_from_index
from web.i18n import N_, request_locale
from web.place import Place, place_of
from web.routes.favourite_pages import hits_by_id
from web.routes.listing_pages import now
from web.search_view import engine_search
from web.templating import render
from web.vertical_names import VERTICAL_TEXT

T = TypeVar("T")

# cards per section of the home page
SECTION_SIZE = 6


@dataclass(frozen=True, slots=True)
class VerticalTile:
    vertical: Vertical
    title: str  # message id, translated in the template
    blurb: str
    icon: str
    count: int


ROLE_TEXT: dict[Role, str] = {
    Role.RESIDENT: N_("Resident"),
    Role.MERCHANT_STAFF: N_("Merchant staff"),
    Role.OPERATOR: N_("Operator"),
}


@dataclass(slots=True)
class HomeSections:
    """The listing ids of each section (None: the section is not shown) and their cards."""

    place: Place | None
    origin: LatLng
    near: list[int] | None = None
    popular: list[int] | None = None
    district_name: str = ""
    favourites: list[int] | None = None
    recent: list[int] | None = None
    hits: dict[int, dict[str, Any]] = field(default_factory=dict)

    def cards(self, ids: list[int] | None) -> list[dict[str, Any]]:
        return [self.hits[i] for i in ids or [] if i in self.hits][:SECTION_SIZE]

    @property
    def saved(self) -> set[int]:
        return set(self.favourites or [])


async def _if_reachable(read: Awaitable[T]) -> T | None:
    """The read's answer, or None (the section is left out) while the database is down."""
    try:
        return await read
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return None


async def _open_near(request: Request, origin: LatLng) -> list[int] | None:
    """Open now around `origin`, nearest first: the search engine answers, as /nearby's does."""
    city = request.app.state.city
    params = SearchParams(
        lat=str(origin.lat),
        lng=str(origin.lng),
        radius_m=str(city.search.default_radius_m),
        open_now="true",
        sort="distance",
        page_size=str(SECTION_SIZE),
    )
    try:
        results = await engine_search(request, build_query(city, params, now(request)))
    except (SearchUnavailable, ValidationFailed):
        return None
    return [hit.listing_id for hit in results.hits]


async def home_sections(request: Request, account: Account | None) -> HomeSections:
    """Each section's listings (one query at most each), then every section's cards at once."""
    city = request.app.state.city
    place = await place_of(request)
    origin = LatLng(lat=place.lat, lng=place.lng) if place else city.center
    found = HomeSections(place=place, origin=origin)
    found.near = await _open_near(request, origin)
    district = district_for(city.area, origin)
    if district is not None:
        found.popular = await _if_reachable(popular_in_district(district, now(request)))
        named = city.area.district(district)
        found.district_name = named.display_name(request_locale(request)) if named else ""
    if account is not None:
        found.favourites = await _if_reachable(favourites.favourite_ids(account))
        found.recent = await _if_reachable(favourites.recent_ids(account))
    ids = [
        i
        for section in (found.near, found.popular, found.favourites, found.recent)
        for i in (section or [])[:SECTION_SIZE]
    ]
    # distances only from a place the resident chose, not from the city centre
    distance_from = origin if place is not None else None
    found.hits = await hits_by_id(request, ids, distance_from, now(request))
    return found


async def home(request: Request) -> Response:
    # drawn without the database if need be: counted by the index, as for a visitor
    account = await account_if_reachable(request)
    sections = await home_sections(request, account)
    try:
        total = await listings.count_published_listings()
        by_vertical = await listings.count_by_vertical()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # the index counts the same published listings (give or take the outbox's lag)
        total, by_vertical = await counts_from_index(request)
    tiles = [
        VerticalTile(v, title, blurb, v.value, by_vertical.get(v, 0))
        for v, (title, blurb) in VERTICAL_TEXT.items()
    ]
    context = {"total": total, "tiles": tiles, "sections": sections}
    return await render(request, "home.html", context)


async def me(request: Request) -> Response:
    account = await require_account(request)
    roles = [ROLE_TEXT[role] for role in Role if role in account.roles]
    return await render(
        request,
        "me.html",
        {
            "roles": roles,
            "is_operator": account.has_role(Role.OPERATOR),
            "is_merchant": account.has_role(Role.MERCHANT_STAFF),
        },
    )


routes = [
    Route("/", home, methods=["GET"], name="home"),
    Route("/me", me, methods=["GET"], name="me"),
]
