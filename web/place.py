"""Where the resident is, for this request: the one "where am I" every page asks.

A place is a point with a name to show ("在 南大街 附近") and the kind of choice that made it
(the browser's position, a district, a landmark, a point dropped on the map, a saved address).
Guests carry it in the `tc_place` cookie; signed-in residents in their account as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from geo.coords import LatLng
from marketplace.city import City
from marketplace.db import is_unavailable
from marketplace.places import ChosenPlace, PlaceKind
from marketplace.places import services as places
from web.auth import current_account

PLACE_COOKIE = "tc_place"
KINDS = ("here", "district", "landmark", "pin", "address")
# A place is a habit, not a secret: it outlives the browser session, like the language choice.
COOKIE_MAX_AGE_S = 180 * 24 * 3600
_STATE_KEY = "place"
_UNSET = object()


@dataclass(frozen=True)
class Place:
    lat: float
    lng: float
    label: str
    kind: str


def parse_cookie(raw: str | None) -> Place | None:
    """`lat,lng,kind,label` (label URL-encoded); anything else is no place."""
    if not raw:
        return None
    parts = unquote(raw).split(",", 3)
    if len(parts) != 4 or parts[2] not in KINDS:
        return None
    try:
        lat, lng = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return Place(lat, lng, parts[3][:80], parts[2])


def cookie_value(place: Place) -> str:
    """The cookie `parse_cookie` reads back: the whole value URL-encoded (label included)."""
    return quote(f"{place.lat:.6f},{place.lng:.6f},{place.kind},{place.label[:80]}", safe="")


def from_chosen(chosen: ChosenPlace) -> Place:
    return Place(chosen.lat, chosen.lng, chosen.label, chosen.kind.value)


def remember(response: Response, place: Place | None) -> None:
    """Write (or, for None, forget) the guest cookie on `response`."""
    if place is None:
        response.delete_cookie(PLACE_COOKIE, path="/")
        return
    response.set_cookie(
        PLACE_COOKIE,
        cookie_value(place),
        max_age=COOKIE_MAX_AGE_S,
        path="/",
        samesite="lax",
        httponly=True,
    )


def _in_city(city: City | None, place: Place | None) -> Place | None:
    # a cookie from another city (or an edited one) is no place here
    if place is None or city is None:
        return place
    return place if city.area.contains(LatLng(place.lat, place.lng)) else None


def cookie_place(conn: HTTPConnection) -> Place | None:
    city = getattr(conn.app.state, "city", None)
    return _in_city(city, parse_cookie(conn.cookies.get(PLACE_COOKIE)))


async def place_of(request: Request) -> Place | None:
    """The place this request is about, or None when none was chosen.

    A signed-in resident's account is asked first; while the database cannot be reached, or
    when the account has none yet, the cookie answers."""
    state = request.scope.setdefault("state", {})
    cached = state.get(_STATE_KEY, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    place: Place | None = None
    try:
        account = await current_account(request)
        if account is not None:
            chosen = await places.current_place(account.id)
            place = from_chosen(chosen) if chosen is not None else None
    except Exception as exc:
        if not is_unavailable(exc):
            raise
    if place is None:
        place = cookie_place(request)
    state[_STATE_KEY] = place
    return place


def forget_cached(request: Request) -> None:
    """After a place was chosen in this request, the next `place_of` reads it afresh."""
    request.scope.setdefault("state", {}).pop(_STATE_KEY, None)


def display_name(place: Place | None, city: City, locale: str) -> str:
    """The place's name in `locale`: a district or landmark chosen in Chinese reads in English
    after a language switch (the label was written in the language of the moment)."""
    if place is None:
        return ""
    if place.kind in (PlaceKind.DISTRICT, PlaceKind.HERE, PlaceKind.PIN):
        for district in city.area.districts:
            if place.label in district.name.values():
                return district.display_name(locale)
    if place.kind == PlaceKind.LANDMARK:
        for landmark in city.landmarks:
            if place.label in landmark.name.values():
                return landmark.display_name(locale)
    return place.label


async def serving_address_values(request: Request) -> dict[str, str]:
    """The address form's first values for a signed-in resident: the saved address used for
    services at my address (and deliveries), so booking a cleaner starts with 家 filled in."""
    try:
        account = await current_account(request)
        found = await places.serving_address(account.id) if account is not None else None
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return {}
    if found is None:
        return {}
    return {
        "lat": f"{found.lat:.6f}",
        "lng": f"{found.lng:.6f}",
        "address_text": found.address_text,
    }
