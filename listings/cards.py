"""Result cards: what a search hit shows of a listing, read for a whole page at once.

A page of cards costs three queries whatever its size (listings, their active offerings' prices,
their listing photos), each reading only the columns a card shows (`listings.card_rows`): no
description, address, service area or reservations are read. Opening hours are compiled once per
distinct stored schedule (`schedule_for`), and an opening state is reused until the next moment
it can change (`stable_until`), so a busy results page does not redo the week's calendar for
every hit.
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
from listings import card_rows
from listings.card_rows import own_json, shared_json
from listings.hours import Schedule, local_instant
from listings.hours_display import OpeningState
from listings.pricing import PriceKind, headline_price
from listings.types import Vertical
from marketplace.errors import ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger(__name__)

Names = dict[str, str]


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
    """The compiled schedule of these stored hours (None when they cannot be read) and its key.
    The hours may come as the database's JSON texts: equal texts are equal hours, so the texts
    themselves make the key and are decoded only when the key is new."""
    if isinstance(weekly, str) and isinstance(exceptions, str) and isinstance(closures, str):
        key = f"{weekly}\x1f{exceptions}\x1f{closures}"
    else:
        key = hours_key(weekly, exceptions, closures)
    found = _SCHEDULES.get(key)
    if found is None:
        try:
            found = (
                Schedule.from_json(shared_json(weekly), shared_json(exceptions),
                                   shared_json(closures)),
            )  # fmt: skip
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


def _photo(row: Any) -> CardPhoto:
    _, large, small, width, height, caption = row
    return CardPhoto(large, small, int(width), int(height), dict(shared_json(caption) or {}))


async def listing_cards(city: City, ids: list[int]) -> list[ListingCard]:
    """Cards of the published listings among `ids`, in the order of `ids` (the engine's ranking).

    A listing unpublished since it was indexed is simply left out: the index lags the database
    by the outbox, and a card must never show what the public may not see."""
    if not ids:
        return []
    rows = {int(row[0]): tuple(row) for row in await card_rows.listing_rows(list(ids))}
    if not rows:
        return []
    found = list(rows)
    prices: dict[int, list[tuple[int, bool]]] = {i: [] for i in found}
    for listing_id, price, attributes in await card_rows.price_rows(found):
        trial = bool((shared_json(attributes) or {}).get("trial"))
        prices[int(listing_id)].append((int(price), trial))
    covers: dict[int, CardPhoto] = {}
    for row in await card_rows.photo_rows(found):
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
        lat, lng = card_rows.point_lat_lng(location)
        cards.append(
            ListingCard(
                id=listing_id,
                vertical=vertical,
                category=category_slug,
                category_name=dict(category.name) if category else {},
                name=dict(own_json(name) or {}),
                district=district_slug,
                district_name=dict(district.name) if district else {},
                location=LatLng(lat=lat, lng=lng),
                schedule=schedule,
                rating_avg=None if rating_avg is None else float(rating_avg),
                rating_count=int(rating_count),
                price=headline_price(vertical, shared_json(attributes) or {}, prices[listing_id]),
                cover=covers.get(listing_id),
                hours_key=key,
            )
        )
    return cards
