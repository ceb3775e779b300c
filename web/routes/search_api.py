"""JSON search: /api/v1/search and the as-you-type /api/v1/suggest. HTTP in, HTTP out; the
parameters are checked by `search.city_query`, the wording of hits by `web.search_view`."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from geo.areas import pick_name
from search.city_query import SearchParams, build_query
from web.i18n import request_locale
from web.openapi import Operation, api_route
from web.routes.listing_pages import now
from web.search_view import cards_for, engine_search, facet_names, params_of, run_search

SUGGESTIONS = 8


class HitOpeningOut(BaseModel):
    open: bool
    label: str = Field(description="营业中 / 已打烊 in the request's language")
    detail: str


class HitOut(BaseModel):
    id: int
    vertical: str
    name: str = Field(description="in the request's language")
    category: str
    category_name: str
    district: str | None
    district_name: str
    lat: float
    lng: float
    distance_m: int | None = Field(description="from lat/lng (or the radius centre) when given")
    price: dict[str, int | str] | None = Field(description="kind and amount in minor units")
    price_text: str | None = Field(description="the price line as a card shows it")
    rating_avg: float | None
    rating_count: int
    opening: HitOpeningOut | None = Field(description="null when the hours are unknown")
    cover: str | None


class FacetValueOut(BaseModel):
    value: str
    name: str
    count: int


class SearchOut(BaseModel):
    hits: list[HitOut]
    total: int = Field(description="all matches; a page beyond the end has no hits, same total")
    page: int
    page_size: int
    facets: dict[str, list[FacetValueOut]]
    took_ms: float
    complete: bool = Field(
        description="false while listing details cannot be read: the total and facets still "
        "count every match, the hits list only those this server has shown recently"
    )


class SuggestParams(BaseModel):
    q: str = Field("", description="what has been typed so far")
    lat: str | None = Field(None, description="rank nearby listings first (with lng)")
    lng: str | None = None


class SuggestionOut(BaseModel):
    kind: str = Field(description="listing or category")
    text: str
    url: str


class SuggestOut(BaseModel):
    suggestions: list[SuggestionOut]


async def search(request: Request) -> Response:
    found = await run_search(request, params_of(request))
    query, results = found.query, found.results
    return JSONResponse(
        {
            "hits": found.hits,
            "total": results.total,
            "page": query.page,
            "page_size": query.page_size,
            "facets": facet_names(request, results.facets),
            "took_ms": round(results.took_ms, 2),
            "complete": found.complete,
        }
    )


def _category_suggestions(request: Request, text: str) -> list[dict[str, str]]:
    city = request.app.state.city
    locale = request_locale(request)
    needle = text.casefold()
    found = []
    for vertical, categories in city.categories.items():
        for category in categories:
            if any(needle in name.casefold() for name in category.name.values()):
                found.append(
                    {
                        "kind": "category",
                        "text": category.display_name(locale),
                        "url": f"/search?vertical={vertical.value}&category={category.slug}",
                    }
                )
    return found


async def suggest(request: Request) -> Response:
    params = SuggestParams.model_validate(dict(request.query_params))
    wanted = SearchParams(q=params.q, lat=params.lat, lng=params.lng, page_size=str(SUGGESTIONS))
    city = request.app.state.city
    query = build_query(city, wanted, now(request))
    if not query.text:
        return JSONResponse({"suggestions": []})
    results = await engine_search(request, query)
    locale = request_locale(request)
    cards, _ = await cards_for(request, [h.listing_id for h in results.hits])
    listings = [
        {"kind": "listing", "text": pick_name(c.name, locale), "url": f"/listings/{c.id}"}
        for c in cards
    ]
    categories = _category_suggestions(request, query.text)
    return JSONResponse({"suggestions": (categories + listings)[:SUGGESTIONS]})


routes = [
    api_route(
        Operation(
            "GET",
            "/api/v1/search",
            "Search the city's listings",
            "search",
            query=SearchParams,
            response=SearchOut,
            errors=(422, 503),
            description="Text in Chinese or English, filters, one geography (radius_m around "
            "lat/lng, bbox, district or serves), sorts and facets. Every bad parameter is a 422 "
            "naming it. A page beyond the end is not an error: it answers 200 with no hits and "
            "the true total. 503 when the search engine cannot answer.",
        ),
        search,
    ),
    api_route(
        Operation(
            "GET",
            "/api/v1/suggest",
            "Suggestions as you type: listing names and categories",
            "search",
            query=SuggestParams,
            response=SuggestOut,
            errors=(422, 503),
        ),
        suggest,
    ),
]
