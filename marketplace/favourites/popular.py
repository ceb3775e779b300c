"""What residents of a district used this week: completed bookings and collected or delivered
orders of the last seven days, counted per published listing of the district, in ONE aggregate
query (the home page's "popular in your district" section costs no more)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise import connections

from geo.areas import CityArea
from geo.coords import LatLng
from listings.types import ListingStatus
from marketplace.bookings.types import BookingState
from marketplace.orders.types import OrderState

WINDOW = timedelta(days=7)
# an order counts once the resident has it; "completed" is what later order states may call it
DONE_ORDERS = (OrderState.PICKED_UP.value, OrderState.DELIVERED.value, "completed")

_SQL = (
    'SELECT "l"."id", COUNT(*) AS "n" FROM ('
    'SELECT "listing_id", COALESCE("code_used_at", "updated_at") AS "at" FROM "bookings" '
    'WHERE "state" = {booking_done} '
    "UNION ALL "
    'SELECT "listing_id", COALESCE("code_used_at", "updated_at") AS "at" FROM "orders" '
    'WHERE "state" IN ({order_done})'
    ') AS "done" JOIN "listings" AS "l" ON "l"."id" = "done"."listing_id" '
    'WHERE "done"."at" >= {since} AND "done"."at" <= {until} '
    'AND "l"."district" = {district} AND "l"."status" = {published} '
    'GROUP BY "l"."id" ORDER BY "n" DESC, "l"."id" LIMIT {limit}'
)


def _statement(dialect: str) -> str:
    names = ["booking_done", *[f"o{i}" for i in range(len(DONE_ORDERS))]]
    names += ["since", "until", "district", "published", "limit"]
    if dialect == "postgres":
        marks = {n: f"${i}" for i, n in enumerate(names, start=1)}
    else:
        marks = dict.fromkeys(names, "?")
    order_done = ", ".join(marks[f"o{i}"] for i in range(len(DONE_ORDERS)))
    kept = {k: v for k, v in marks.items() if not k.startswith("o")}
    return _SQL.format(order_done=order_done, **kept)


async def popular_in_district(district: str, now: datetime, limit: int = 10) -> list[int]:
    """Listing ids of `district` by how many bookings were completed and orders collected there
    in the week before `now`, most first (ties by id, so the order is stable)."""
    connection = connections.get("default")
    params: list[object] = [BookingState.COMPLETED.value, *DONE_ORDERS]
    params += [now - WINDOW, now, district, ListingStatus.PUBLISHED.value, limit]
    _, rows = await connection.execute_query(_statement(connection.capabilities.dialect), params)
    return [int(row[0]) for row in rows]


def district_for(area: CityArea, point: LatLng) -> str | None:
    """The slug of the district covering `point`, or of the nearest one when it lies outside
    them all (a landmark on a boundary road, a pin just over the city limit)."""
    found = area.district_at(point)
    if found is not None:
        return found.slug
    if not area.districts:
        return None
    shape = point.to_point()
    return min(area.districts, key=lambda d: d.polygon.distance(shape)).slug
