"""The resident's results page (/search) and its near-me twin (/nearby).

Every choice lives in the URL (the same parameters as /api/v1/search), so a result list can be
shared or bookmarked; chips and pagination are links that change one parameter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings.types import Vertical
from marketplace.db import is_unavailable
from marketplace.errors import ValidationFailed
from marketplace.places import services as places
from search.interfaces import Radius, SortBy
from web.degraded import account_if_reachable
from web.distances import distance_text
from web.i18n import N_, request_locale, translator
from web.place import place_of
from web.routes.favourite_pages import saved_ids_for
from web.routes.pages import VERTICAL_TEXT
from web.routes.place_pages import chooser
from web.search_view import facet_names, params_of, run_search
from web.templating import format_money, render

PAGE_FACETS = ("vertical", "category")
SORT_TEXT = {
    SortBy.RELEVANCE: N_("Best match"),
    SortBy.DISTANCE: N_("Nearest"),
    SortBy.RATING: N_("Top rated"),
    SortBy.PRICE_ASC: N_("Price: low to high"),
    SortBy.PRICE_DESC: N_("Price: high to low"),
}
# What a page says about a bad parameter: the API's English reasons carry values and field
# names meant for programmers, a resident gets one translated sentence per parameter.
FIELD_HINTS = {
    "q": N_("The search words are too long or contain characters that cannot be typed."),
    "lat": N_("The chosen location is not a place in this city."),
    "lng": N_("The chosen location is not a place in this city."),
    "radius_m": N_("The distance must be above zero and within the city's range."),
    "bbox": N_("The map area is not valid."),
    "district": N_("There is no such district in this city."),
    "serves": N_("The address to be served is not in this city."),
    "category": N_("There is no such category here."),
    "vertical": N_("There is no such kind of service here."),
    "sort": N_("This order is not available; sorting by distance needs your location."),
    "price_min": N_("The price range is not valid."),
    "price_max": N_("The price range is not valid."),
    "min_rating": N_("The rating must be between 0 and 5."),
    "open_at": N_("The time is not valid."),
    "open_now": N_("The time is not valid."),
    "page": N_("There is no such page."),
    "page_size": N_("Too many results per page were asked for."),
    "facets": N_("The filters are not valid."),
}
RADII_M = (1000, 3000, 10_000)
RATINGS = ("4.5", "4")
PRICE_STEPS = ("50", "100")  # major units: up to 50, 50 to 100, above 100


class Url:
    """The current query string, changed one parameter at a time for links."""

    def __init__(self, path: str, items: list[tuple[str, str]]) -> None:
        self.path = path
        self.items = [(k, v) for k, v in items if v != "" and k not in ("page",)]

    def has(self, key: str, value: str | None = None) -> bool:
        return any(k == key and (value is None or v == value) for k, v in self.items)

    def without(self, *keys: str, value: str | None = None) -> str:
        kept = [(k, v) for k, v in self.items if not (k in keys and value in (None, v))]
        return self._build(kept)

    def setting(self, **changes: str | None) -> str:
        kept = [(k, v) for k, v in self.items if k not in changes]
        kept += [(k, v) for k, v in changes.items() if v is not None]
        return self._build(kept)

    def adding(self, key: str, value: str) -> str:
        return self._build([*self.items, (key, value)])

    def page(self, number: int) -> str:
        return self._build([*self.items, ("page", str(number))])

    def _build(self, items: list[tuple[str, str]]) -> str:
        return self.path + ("?" + urlencode(items) if items else "")


def _price_chips(request: Request, url: Url) -> list[dict[str, Any]]:
    city = request.app.state.city
    locale = request_locale(request)
    _ = translator(request)

    def money(major: str) -> str:
        minor = int(major) * 10**city.minor_units
        return format_money(minor, locale, city.currency, city.minor_units, whole=True)

    low, high = PRICE_STEPS
    options = [
        (None, low, _("up to %(price)s") % {"price": money(low)}),
        (low, high, f"{money(low)}–{money(high)}"),
        (high, None, _("over %(price)s") % {"price": money(high)}),
    ]
    chips = []
    for lo, hi, label in options:
        chosen = url.has("price_min", lo) if lo else not url.has("price_min")
        chosen = chosen and (url.has("price_max", hi) if hi else not url.has("price_max"))
        chosen = chosen and (url.has("price_min") or url.has("price_max"))
        href = (
            url.without("price_min", "price_max")
            if chosen
            else url.setting(price_min=lo, price_max=hi)
        )
        chips.append({"label": label, "chosen": chosen, "href": href, "count": None})
    return chips


def _chips(request: Request, url: Url, facets: dict[str, list[dict]]) -> dict[str, Any]:
    city = request.app.state.city
    locale = request_locale(request)
    _ = translator(request)
    counts = {f: {v["value"]: v["count"] for v in values} for f, values in facets.items()}
    verticals = [
        {
            "label": _(VERTICAL_TEXT[v][0]),
            "chosen": url.has("vertical", v.value),
            "count": counts.get("vertical", {}).get(v.value),
            "href": url.without("vertical", "category")
            if url.has("vertical", v.value)
            else url.setting(vertical=v.value, category=None),
        }
        for v in Vertical
    ]
    chosen_verticals = [Vertical(v) for k, v in url.items if k == "vertical" and v in set(Vertical)]
    pool = chosen_verticals or list(Vertical)
    categories = [
        {
            "label": c.display_name(locale),
            "chosen": url.has("category", c.slug),
            "count": counts.get("category", {}).get(c.slug),
            "href": url.without("category", value=c.slug)
            if url.has("category", c.slug)
            else url.adding("category", c.slug),
        }
        for v in pool
        for c in city.categories[v]
        if url.has("category", c.slug) or counts.get("category", {}).get(c.slug)
    ]
    radii = [
        {
            "label": _("Within %(distance)s") % {"distance": f"{r / 1000:g} km"},
            "chosen": url.has("radius_m", str(r)),
            "count": None,
            "href": url.without("radius_m")
            if url.has("radius_m", str(r))
            else url.setting(radius_m=str(r)),
        }
        for r in RADII_M
    ]
    ratings = [
        {
            "label": f"★{r}+",
            "chosen": url.has("min_rating", r),
            "count": None,
            "href": url.without("min_rating")
            if url.has("min_rating", r)
            else url.setting(min_rating=r),
        }
        for r in RATINGS
    ]
    is_open = url.has("open_now", "true")
    open_now = {
        "label": _("Open now"),
        "chosen": is_open,
        "count": None,
        "href": url.without("open_now") if is_open else url.setting(open_now="true"),
    }
    return {
        "verticals": verticals,
        "categories": categories,
        "radii": radii,
        "prices": _price_chips(request, url),
        "ratings": ratings,
        "open_now": open_now,
    }


def _open_first(hits: list[dict[str, Any]]) -> None:
    """Open places first, each group still in the engine's order (nearest first on /nearby).
    It orders the page shown: the engine has no sort by opening state."""
    hits.sort(key=lambda h: not (h["opening"] and h["opening"]["open"]))


async def _serving_chip(request: Request, url: Url) -> dict[str, Any] | None:
    """ "Comes to 家": the resident's address used for services that travel, as a filter."""
    account = await account_if_reachable(request)
    if account is None:
        return None
    try:
        home = await places.serving_address(account.id)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return None
    if home is None:
        return None
    _ = translator(request)
    point = f"{home.lat:.6f},{home.lng:.6f}"
    chosen = url.has("serves", point)
    return {
        "label": _("Comes to %(address)s") % {"address": home.label},
        "chosen": chosen,
        "count": None,
        "href": url.without("serves")
        if chosen
        else url.setting(serves=point, radius_m=None, bbox=None, district=None),
    }


async def _page(request: Request, items: list[tuple[str, str]], *, nearby: bool) -> Response:
    city = request.app.state.city
    _ = translator(request)
    params = params_of(request).model_copy(update={"facets": list(PAGE_FACETS)})
    # the results come from the index: an unreachable database must not take them away
    await account_if_reachable(request)
    place = await place_of(request)
    if not (params.lat or params.lng) and place is not None:
        # the chosen place is where distances are measured from, unless the URL says otherwise
        params = params.model_copy(update={"lat": f"{place.lat:.6f}", "lng": f"{place.lng:.6f}"})
    if nearby and not (params.lat and params.lng):
        # sorting by distance needs a point: ask for one instead of listing the whole city
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return await chooser(
            request,
            next_path=here,
            intro=_("Choose where you are, and what is near it is listed nearest first."),
        )
    open_first = request.query_params.get("open_first") == "1"
    if nearby and params.lat and params.lng:
        if not params.sort:
            params = params.model_copy(update={"sort": SortBy.DISTANCE.value})
        if not (params.radius_m or params.bbox or params.district or params.serves):
            radius = str(city.search.default_radius_m)
            params = params.model_copy(update={"radius_m": radius})
            items = [*items, ("radius_m", radius)]
    url = Url(request.url.path, items)
    try:
        found = await run_search(request, params)
    except ValidationFailed as exc:
        hints = dict.fromkeys(
            _(FIELD_HINTS.get(e.field, N_("Please check this."))) for e in exc.errors
        )
        context = {
            "errors": list(hints),
            "q": params.q,
            "url": url,
            "sorts": [],
            "hidden": [],
            "nearby": nearby,
        }
        return await render(request, "search.html", context, status_code=422)
    query, results = found.query, found.results
    facets = facet_names(request, results.facets)
    pages = max(1, -(-results.total // query.page_size))
    origin = query.reference_point()
    radius = query.geo.metres if isinstance(query.geo, Radius) else None
    if open_first:
        _open_first(found.hits)
    for n, hit in enumerate(found.hits, start=(query.page - 1) * query.page_size + 1):
        hit["number"] = n
        hit["distance_text"] = distance_text(hit["distance_m"])
    wider = None
    if radius is not None and radius < city.search.max_radius_m:
        wider = url.setting(radius_m=str(min(int(radius * 3), city.search.max_radius_m)))
    context = {
        "errors": [],
        "q": query.text,
        "url": url,
        "found": found,
        "total": results.total,
        "page": query.page,
        "pages": pages,
        "chips": _chips(request, url, facets),
        "open_first": {
            "label": _("Open now first"),
            "chosen": open_first,
            "count": None,
            "href": url.without("open_first") if open_first else url.setting(open_first="1"),
        },
        "serving": await _serving_chip(request, url),
        "sort": query.sort.value,
        "sorts": [
            (s.value, _(text))
            for s, text in SORT_TEXT.items()
            if s is not SortBy.DISTANCE or origin is not None
        ],
        "has_location": origin is not None,
        "radius_km": f"{radius / 1000:g}" if radius is not None else None,
        "wider": wider,
        "nearby": nearby,
        "map": {
            "tiles": city.map.tile_url,
            "attribution": city.map.attribution,
            "zoom": city.map.default_zoom,
            "center": {"lat": city.center.lat, "lng": city.center.lng},
            "origin": {"lat": origin.lat, "lng": origin.lng} if origin else None,
            "pins": [
                {
                    "n": h["number"],
                    "id": h["id"],
                    "lat": h["lat"],
                    "lng": h["lng"],
                    "name": h["name"],
                }
                for h in found.hits
            ],
        },
        "hidden": [(k, v) for k, v in url.items if k not in ("q", "sort")],
        # the cards' hearts: which of them the resident saved
        "saved_ids": await saved_ids_for(request, [h["id"] for h in found.hits]),
    }
    return await render(request, "search.html", context)


async def search_page(request: Request) -> Response:
    return await _page(request, list(request.query_params.multi_items()), nearby=False)


async def nearby_page(request: Request) -> Response:
    return await _page(request, list(request.query_params.multi_items()), nearby=True)


routes = [
    Route("/search", search_page, methods=["GET"], name="search"),
    Route("/nearby", nearby_page, methods=["GET"], name="nearby"),
]
