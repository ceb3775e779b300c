"""Result cards: what a search hit shows of a listing, read for a whole page at once.

A page of cards costs three queries whatever its size (listings, their active offerings' prices,
their listing photos), each reading only the columns a card shows: no description, address,
service area or reservations are decoded. Opening hours are compiled once per distinct stored
schedule (`schedule_for`), and an opening state is reused until the next moment it can change
(`stable_until`), so a busy results page does not redo the week's calendar for every hit.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from geo.coords import LatLng
from listings.hours import Schedule, local_instant
from listings.hours_display import OpeningState
from listings.models import Listing, Offering
from listings.photos.models import Photo
from listings.pricing import PriceKind, headline_price
from listings.types import ListingStatus, Vertical
from marketplace.errors import ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger(__name__)

Names = dict[str, str]

_LISTING_COLUMNS = (
    "id",
    "vertical",
    "category",
    "name",
    "district",
    "location",
    "weekly_hours",
    "hours_exceptions",
    "closures",
    "attributes",
    "rating_avg",
    "rating_count",
)
_PHOTO_COLUMNS = ("listing_id", "large_key", "small_key", "width", "height", "caption")


@dataclass(frozen=True, slots=True)
class CardPhoto:
    large_key: str
    small_key: str
    width: int
    height: int
    caption: Names


@dataclass(frozen=True, slots=True)
class ListingCard:
    """What a result card shows; built for many listings at once (search hits)."""

    id: int
    vertical: Vertical
    category: str
    category_name: Names
    name: Names
    district: str | None
    district_name: Names
    location: LatLng
    schedule: Schedule | None
    rating_avg: float | None
    rating_count: int
    price: tuple[PriceKind, int] | None
    cover: CardPhoto | None
    # the stored hours as text: equal for equal hours, so it keys what is derived from them
    hours_key: str = ""


K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded mapping that forgets the least recently used entry when full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


# Compiled schedules by their stored text. Schedules are immutable, and a city's listings share
# a limited number of distinct hours, so a few thousand entries cover a busy process.
_SCHEDULES: Memo[str, tuple[Schedule | None]] = Memo(8192)


def hours_key(weekly: object, exceptions: object, closures: object) -> str:
    return json.dumps([weekly, exceptions, closures], sort_keys=True, separators=(",", ":"))


def schedule_for(
    listing_id: int, weekly: object, exceptions: object, closures: object
) -> tuple[Schedule | None, str]:
    """The compiled schedule of these stored hours (None when they cannot be read) and its key."""
    key = hours_key(weekly, exceptions, closures)
    found = _SCHEDULES.get(key)
    if found is None:
        try:
            found = (Schedule.from_json(weekly, exceptions, closures),)
        except ValidationFailed as exc:
            # hours written before today's rules (or by hand): the card says nothing about them
            log.warning("listing %s has unreadable hours: %s", listing_id, exc.message)
            found = (None,)
        _SCHEDULES.put(key, found)
    return found[0], key


def stable_until(
    schedule: Schedule, state: OpeningState, at: datetime, tz: ZoneInfo
) -> datetime | None:
    """Until when `opening_state(schedule, t, tz)` equals `state` (computed at `at`) for every
    t from `at` on: the next opening or closing, a closure starting or ending, or the local
    midnight (which moves "today"). None when that cannot be told cheaply: with no change inside
    the horizon, one just beyond it comes into it as time passes."""
    if state.next_change is None:
        return None
    until = min(
        state.next_change.at, local_instant(at.astimezone(tz).date() + timedelta(days=1), 0, tz)
    )
    for closure in schedule.closures:
        for edge in (closure.start, closure.end):
            if edge is not None and at < edge < until:
                until = edge
    return until


def _photo(row: tuple[Any, ...]) -> CardPhoto:
    _, large, small, width, height, caption = row
    return CardPhoto(large, small, int(width), int(height), dict(caption or {}))


async def listing_cards(city: City, ids: list[int]) -> list[ListingCard]:
    """Cards of the published listings among `ids`, in the order of `ids` (the engine's ranking).

    A listing unpublished since it was indexed is simply left out: the index lags the database
    by the outbox, and a card must never show what the public may not see."""
    if not ids:
        return []
    rows = {
        int(row[0]): row
        for row in await Listing.filter(id__in=ids, status=ListingStatus.PUBLISHED).values_list(
            *_LISTING_COLUMNS
        )
    }
    if not rows:
        return []
    found = list(rows)
    prices: dict[int, list[tuple[int, bool]]] = {i: [] for i in found}
    for listing_id, price, attributes in await Offering.filter(
        listing_id__in=found, is_active=True
    ).values_list("listing_id", "price", "attributes"):
        prices[int(listing_id)].append((int(price), bool((attributes or {}).get("trial"))))
    covers: dict[int, CardPhoto] = {}
    for row in (
        await Photo.filter(listing_id__in=found, offering_id__isnull=True)
        .order_by("sort_order", "id")
        .values_list(*_PHOTO_COLUMNS)
    ):
        if int(row[0]) not in covers:
            covers[int(row[0])] = _photo(row)
    cards = []
    for listing_id in ids:
        row = rows.get(listing_id)
        if row is None:
            continue
        _, vertical_value, category_slug, name, district_slug, location = row[:6]
        weekly, exceptions, closures, attributes, rating_avg, rating_count = row[6:]
        vertical = Vertical(vertical_value)
        category = city.category(vertical, category_slug)
        district = city.area.district(district_slug) if district_slug else None
        schedule, key = schedule_for(listing_id, weekly, exceptions, closures)
        cards.append(
            ListingCard(
                id=listing_id,
                vertical=vertical,
                category=category_slug,
                category_name=dict(category.name) if category else {},
                name=dict(name or {}),
                district=district_slug,
                district_name=dict(district.name) if district else {},
                location=LatLng.from_point(location),
                schedule=schedule,
                rating_avg=rating_avg,
                rating_count=int(rating_count),
                price=headline_price(vertical, attributes or {}, prices[listing_id]),
                cover=covers.get(listing_id),
                hours_key=key,
            )
        )
    return cards
