"""Where the resident is, for this request: the one "where am I" every page asks.

A place is a point with a name to show ("在 南大街 附近") and the kind of choice that made it
(the browser's position, a district, a landmark, a point dropped on the map, a saved address).
Guests carry it in the `tc_place` cookie; signed-in residents in their account as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from starlette.requests import Request

PLACE_COOKIE = "tc_place"
KINDS = ("here", "district", "landmark", "pin", "address")


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


async def place_of(request: Request) -> Place | None:
    """The place this request is about, or None when none was chosen."""
    return parse_cookie(request.cookies.get(PLACE_COOKIE))
