"""Running a resident's search for a request and wording each hit; shared by the JSON API and
the results page so both show the same cards, prices and opening badges.

The index answers without the database, but a card's name, price and photo come from it. While
the database cannot be reached, a search still answers: the total and facets from the index, and
the hits whose cards this process showed recently (kept for that purpose only), marked as not
complete. A resident then still finds the places they were looking at, and is told the rest
will be back in a moment, rather than losing search along with booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request

from geo.areas import pick_name
from listings.cards import ListingCard, Memo, listing_cards, stable_until
from listings.hours_display import opening_state
from listings.types import Vertical
from marketplace.db import is_unavailable
from search.city_query import SearchParams, build_query
from search.interfaces import Hit, SearchQuery, SearchResults, SearchUnavailable
from web.i18n import N_, request_locale, translator
from web.routes.listing_pages import badge, now
from web.templating import format_money
from web.vertical_names import VERTICAL_TEXT

_LIST_FIELDS = ("vertical", "category", "tag", "facets")


def params_of(request: Request) -> SearchParams:
    """The query string as SearchParams; repeatable parameters keep every value."""
    raw: dict[str, Any] = {k: v for k, v in request.query_params.items() if k not in _LIST_FIELDS}
    for name in _LIST_FIELDS:
        raw[name] = request.query_params.getlist(name)
    return SearchParams.model_validate(raw)


@dataclass(frozen=True, slots=True)
class Found:
    query: SearchQuery
    results: SearchResults
    hits: list[dict[str, Any]]
    # False while the database is unreachable: only hits with a recently shown card are listed
    complete: bool = True


# Cards kept per process for answering while the database is unreachable; bounded, so a city of
# any size costs at most this many cards (a few MiB).
KNOWN_CARDS = 5000


UNAVAILABLE = N_("Search is unavailable right now; please try again in a moment.")


async def engine_search(request: Request, query: SearchQuery) -> SearchResults:
    try:
        return await request.app.state.search.search(query)
    except SearchUnavailable:
        # the engine's own words (lock files, hosts) mean nothing to a resident
        raise SearchUnavailable(UNAVAILABLE) from None


@dataclass(slots=True)
class _Memos:
    """Per application: what cards derive from immutable inputs, shared by every request."""

    # (kind, amount, locale) -> the price line
    prices: Memo[tuple[str, int, str], str]
    # (hours key, locale) -> (valid from, valid until, the opening JSON)
    openings: Memo[tuple[str, str], tuple[datetime, datetime, dict[str, Any]]]
    # listing id -> its card as last read (None: not public any more); read only in an outage
    cards: Memo[int, ListingCard | None]


def _memos(request: Request) -> _Memos:
    state = request.app.state
    memos = getattr(state, "card_memos", None)
    if memos is None:
        memos = state.card_memos = _Memos(
            prices=Memo(4096), openings=Memo(16384), cards=Memo(KNOWN_CARDS)
        )
    return memos


async def cards_for(request: Request, ids: list[int]) -> tuple[list[ListingCard], bool]:
    """The cards of `ids` in order, and whether they are all there: from the database, or,
    while it cannot be reached, the ones this process read last (never a card since hidden)."""
    known = _memos(request).cards
    try:
        cards = await listing_cards(request.app.state.city, ids)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        remembered = [card for i in ids if (card := known.get(i)) is not None]
        return remembered, False
    fresh = {card.id: card for card in cards}
    for listing_id in ids:
        known.put(listing_id, fresh.get(listing_id))
    return cards, True


def _price_line(request: Request, kind: str, amount: int, locale: str) -> str:
    city = request.app.state.city
    _ = translator(request)
    money = format_money(amount, locale, city.currency, city.minor_units, whole=True)
    if kind == "per_person":
        return _("%(price)s per person") % {"price": money}
    if kind == "per_lesson":
        return _("%(price)s per lesson") % {"price": money}
    return _("from %(price)s") % {"price": money}


def price_text(request: Request, card: ListingCard) -> str | None:
    if card.price is None:
        return None
    locale = request_locale(request)
    key = (card.price[0].value, card.price[1], locale)
    memo = _memos(request).prices
    line = memo.get(key)
    if line is None:
        line = _price_line(request, key[0], key[1], locale)
        memo.put(key, line)
    return line


def opening_json(request: Request, card: ListingCard, at: datetime) -> dict[str, Any] | None:
    """营业中 · 21:00 打烊 for the card at `at`; reused while the hours say the same thing."""
    if card.schedule is None:
        return None
    locale = request_locale(request)
    memo = _memos(request).openings
    key = (card.hours_key, locale)
    found = memo.get(key)
    if found is not None and found[0] <= at < found[1]:
        return found[2]
    tz = request.app.state.city.tz
    state = opening_state(card.schedule, at, tz)
    shown = badge(state, locale, translator(request))
    opening = {"open": state.open, "label": shown.label, "detail": shown.detail}
    until = stable_until(card.schedule, state, at, tz)
    if until is not None:
        memo.put(key, (at, until, opening))
    return opening


def hit_json(
    request: Request, card: ListingCard, hit: Hit, at: datetime | None = None
) -> dict[str, Any]:
    locale = request_locale(request)
    return {
        "id": card.id,
        "vertical": card.vertical.value,
        "name": pick_name(card.name, locale),
        "category": card.category,
        "category_name": pick_name(card.category_name, locale) if card.category_name else "",
        "district": card.district,
        "district_name": pick_name(card.district_name, locale) if card.district_name else "",
        "lat": card.location.lat,
        "lng": card.location.lng,
        "distance_m": round(hit.distance_m) if hit.distance_m is not None else None,
        "price": {"kind": card.price[0].value, "amount": card.price[1]} if card.price else None,
        "price_text": price_text(request, card),
        "rating_avg": card.rating_avg,
        "rating_count": card.rating_count,
        "opening": opening_json(request, card, now(request) if at is None else at),
        "cover": card.cover.small_key if card.cover else None,
    }


async def run_search(request: Request, params: SearchParams) -> Found:
    city = request.app.state.city
    at = now(request)
    query = build_query(city, params, at)
    results = await engine_search(request, query)
    found, complete = await cards_for(request, [h.listing_id for h in results.hits])
    cards = {c.id: c for c in found}
    hits = [
        hit_json(request, cards[h.listing_id], h, at) for h in results.hits if h.listing_id in cards
    ]
    return Found(query=query, results=results, hits=hits, complete=complete)


def facet_names(request: Request, facets: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """Facet counts with the names people read, biggest first."""
    city = request.app.state.city
    locale = request_locale(request)
    _ = translator(request)
    categories = {c.slug: c for cs in city.categories.values() for c in cs}

    def name(facet: str, value: str) -> str:
        if facet == "category" and value in categories:
            return categories[value].display_name(locale)
        if facet == "district" and (district := city.area.district(value)) is not None:
            return district.display_name(locale)
        if facet == "vertical":
            text = VERTICAL_TEXT.get(Vertical(value)) if value in set(Vertical) else None
            return _(text[0]) if text else value
        return value

    return {
        facet: [
            {"value": value, "name": name(facet, value), "count": count}
            for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        for facet, counts in facets.items()
    }
