"""Favourites (收藏) over HTTP: the heart on cards and listing pages (a form that works without
JavaScript; favourite.js enhances it through the JSON API), the 我的收藏 page, and the JSON API.

The favourites package decides; these routes translate. A guest who taps a heart is sent to
sign in and brought back to the page they were on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from geo.coords import LatLng
from geo.distance import geodesic_m
from marketplace.db import is_unavailable
from marketplace.favourites import services as favourites
from search.interfaces import Hit
from web.auth import current_account, require_account, safe_next
from web.degraded import account_if_reachable
from web.distances import distance_text
from web.forms import read_form
from web.openapi import Operation
from web.openapi import api_route as route
from web.place import Place, place_of
from web.routes.listing_pages import now
from web.search_view import cards_for, hit_json
from web.templating import render

PREFIX = "/api/v1"
TAG = "favourites"
FAVOURITE = f"{PREFIX}/listings/{{listing_id:id32}}/favourite"


async def hits_by_id(
    request: Request, ids: list[int], origin: LatLng | None, at: datetime
) -> dict[int, dict[str, Any]]:
    """Cards of `ids` worded as search hits, distances from `origin` when there is one. One
    page's worth of cards costs the same three queries whatever its size (listings.cards)."""
    if not ids:
        return {}
    cards, _complete = await cards_for(request, list(dict.fromkeys(ids)))
    found = {}
    for card in cards:
        metres = geodesic_m(origin, card.location) if origin is not None else None
        hit = hit_json(request, card, Hit(listing_id=card.id, distance_m=metres), at)
        hit["distance_text"] = distance_text(hit["distance_m"])
        found[card.id] = hit
    return found


def origin_of(place: Place | None) -> LatLng | None:
    return LatLng(lat=place.lat, lng=place.lng) if place is not None else None


async def saved_ids_for(request: Request, listing_ids: list[int]) -> set[int]:
    """Which of these cards the signed-in resident saved (their hearts drawn full); nothing for
    a guest, and nothing while the database is unreachable (the cards still show)."""
    if not listing_ids:
        return set()
    try:
        account = await account_if_reachable(request)
        if account is None:
            return set()
        return await favourites.saved_among(account, listing_ids)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return set()


async def listing_favourite(request: Request, listing_id: int) -> dict[str, Any]:
    """The listing page's heart and count; opening the page records it as recently viewed."""
    account = await current_account(request)
    saved = False
    if account is not None:
        saved = await favourites.is_saved(account, listing_id)
        await favourites.record_view(account, listing_id)
    return {"saved": saved, "count": await favourites.count_for(listing_id)}


def _login_then(target: str) -> RedirectResponse:
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


async def heart_form(request: Request) -> Response:
    """POST /listings/{id}/favourite: saved=1 saves, saved=0 unsaves; back to `next`."""
    listing_id: int = request.path_params["listing_id"]
    form = await read_form(request)
    back = safe_next(form.get("next"), f"/listings/{listing_id}")
    account = await current_account(request)
    if account is None:
        return _login_then(back)
    if form.get("saved", "1") == "0":
        await favourites.unsave(account, listing_id)
    else:
        await favourites.save(account, listing_id)
    return RedirectResponse(back, status_code=303)


async def my_favourites_page(request: Request) -> Response:
    account = await require_account(request)
    place = await place_of(request)
    ids = await favourites.favourite_ids(account)
    hits = await hits_by_id(request, ids, origin_of(place), now(request))
    context = {
        "hits": [hits[i] for i in ids if i in hits],
        "has_place": place is not None,
    }
    return await render(request, "favourites.html", context)


# JSON API


class FavouriteOut(BaseModel):
    listing_id: int
    saved: bool
    count: int


class FavouritesOut(BaseModel):
    favourites: list[dict[str, Any]]


async def _state(listing_id: int, saved: bool, status: int) -> Response:
    count = await favourites.count_for(listing_id)
    body = {"listing_id": listing_id, "saved": saved, "count": count}
    return JSONResponse(body, status_code=status)


async def api_save(request: Request) -> Response:
    account = await require_account(request)
    listing_id: int = request.path_params["listing_id"]
    created = await favourites.save(account, listing_id)
    return await _state(listing_id, True, 201 if created else 200)


async def api_unsave(request: Request) -> Response:
    account = await require_account(request)
    listing_id: int = request.path_params["listing_id"]
    await favourites.unsave(account, listing_id)
    return await _state(listing_id, False, 200)


async def api_my_favourites(request: Request) -> Response:
    account = await require_account(request)
    place = await place_of(request)
    ids = await favourites.favourite_ids(account)
    hits = await hits_by_id(request, ids, origin_of(place), now(request))
    return JSONResponse({"favourites": [hits[i] for i in ids if i in hits]})


def _op(method: str, path: str, summary: str, **extra: object) -> Operation:
    return Operation(method, path, summary, TAG, signed_in=True, **extra)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    Route("/listings/{listing_id:id32}/favourite", heart_form, methods=["POST"], name="heart"),
    Route("/me/favourites", my_favourites_page, methods=["GET"], name="my_favourites"),
    route(
        _op(
            "GET",
            f"{PREFIX}/me/favourites",
            "My favourites, newest first, as search cards (distance from my place)",
            response=FavouritesOut,
            errors=(),
        ),
        api_my_favourites,
    ),
    route(
        _op(
            "PUT",
            FAVOURITE,
            "Save a listing to my favourites (201; 200 when it already was)",
            response=FavouriteOut,
            status=201,
            errors=(404,),
            extra_responses={200: "It was saved already: nothing changed (the same body)"},
            description="Idempotent: saving again changes nothing and answers 200. Drafts and "
            "hidden listings answer 404 like unknown ids. `count` is the listing's favourites.",
        ),
        api_save,
    ),
    route(
        _op(
            "DELETE",
            FAVOURITE,
            "Remove a listing from my favourites",
            response=FavouriteOut,
            errors=(404,),
            description="Idempotent: removing what is not saved answers 200 too; an id that "
            "was never a listing is a 404.",
        ),
        api_unsave,
    ),
]
