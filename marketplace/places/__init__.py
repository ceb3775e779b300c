"""Where a resident is: the current place of an account and its saved addresses (家, 公司).

The vocabulary is shared with the web layer's guest cookie: a place is a point, a label to show
and the kind of choice that made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlaceKind(StrEnum):
    HERE = "here"  # the browser's position
    DISTRICT = "district"
    LANDMARK = "landmark"
    PIN = "pin"  # a point dropped on the map
    ADDRESS = "address"  # one of the resident's saved addresses


@dataclass(frozen=True, slots=True)
class ChosenPlace:
    lat: float
    lng: float
    kind: PlaceKind
    # what the place is called when shown: a district or landmark slug's name, an address label
    label: str
    address_id: int | None = None


# A resident keeps a handful of addresses, as in every delivery app; a bound keeps pages short.
MAX_ADDRESSES = 20
MAX_LABEL = 32
MAX_ADDRESS_TEXT = 200
