"""Saving and unsaving a listing, reading a resident's favourites, and keeping the listings they
opened lately. Each function is one statement (two for a recorded view: the upsert and the trim)
so pages that show these lists stay cheap.
"""

from __future__ import annotations

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from listings.errors import ListingNotFound
from listings.models import Listing
from listings.types import ListingStatus
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.favourites.models import Favourite, RecentView

# how many recently viewed listings a resident keeps; older ones are forgotten
RECENT_KEPT = 20
# the most favourites read for one page (the 我的收藏 list and the hearts on a page of cards)
FAVOURITES_READ = 500


async def _published(listing_id: int) -> None:
    if not await Listing.filter(id=listing_id, status=ListingStatus.PUBLISHED).exists():
        raise ListingNotFound("No such listing.")


async def save(resident: Account, listing_id: int) -> bool:
    """Save `listing_id` for `resident`; True when this call saved it, False when it already was.
    Concurrent saves of the same listing make one row: the unique constraint refuses the rest."""
    await _published(listing_id)
    if await Favourite.filter(resident_id=resident.id, listing_id=listing_id).exists():
        return False
    try:
        # its own transaction: on PostgreSQL a refused insert ends the transaction it is in
        async with in_transaction():
            await Favourite.create(
                resident_id=resident.id, listing_id=listing_id, created_at=clock.now()
            )
    except IntegrityError:
        return False
    return True


async def unsave(resident: Account, listing_id: int) -> bool:
    """Forget a saved listing; True when there was one. Unsaving a listing since unpublished
    works too (so it can leave the list), an id that was never a listing is a 404."""
    deleted = await Favourite.filter(resident_id=resident.id, listing_id=listing_id).delete()
    if not deleted and not await Listing.exists(id=listing_id):
        raise ListingNotFound("No such listing.")
    return bool(deleted)


async def favourite_ids(resident: Account, limit: int = FAVOURITES_READ) -> list[int]:
    """The published listings `resident` saved, newest first: one query joining the listings."""
    rows = (
        await Favourite.filter(resident_id=resident.id, listing__status=ListingStatus.PUBLISHED)
        .order_by("-created_at", "-id")
        .limit(limit)
        .values_list("listing_id", flat=True)
    )
    return [int(i) for i in rows]


async def saved_among(resident: Account, listing_ids: list[int]) -> set[int]:
    """Which of `listing_ids` the resident saved (the hearts on a page of cards)."""
    if not listing_ids:
        return set()
    rows = await Favourite.filter(resident_id=resident.id, listing_id__in=listing_ids).values_list(
        "listing_id", flat=True
    )
    return {int(i) for i in rows}


async def is_saved(resident: Account, listing_id: int) -> bool:
    return await Favourite.exists(resident_id=resident.id, listing_id=listing_id)


async def count_for(listing_id: int) -> int:
    """How many residents saved the listing."""
    return await Favourite.filter(listing_id=listing_id).count()


def _marks(dialect: str, count: int) -> list[str]:
    return [f"${i}" for i in range(1, count + 1)] if dialect == "postgres" else ["?"] * count


async def record_view(resident: Account, listing_id: int) -> None:
    """Remember that `resident` opened `listing_id` now: one row per listing (the newest time),
    the RECENT_KEPT newest kept. Upserted, so two tabs opening the page at once are one view."""
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    a, b, c = _marks(dialect, 3)
    await connection.execute_query(
        'INSERT INTO "recent_views" ("resident_id", "listing_id", "viewed_at") '
        f"VALUES ({a}, {b}, {c}) "
        'ON CONFLICT ("resident_id", "listing_id") '
        'DO UPDATE SET "viewed_at" = excluded."viewed_at"',
        [resident.id, listing_id, clock.now()],
    )
    a, b = _marks(dialect, 2)
    await connection.execute_query(
        f'DELETE FROM "recent_views" WHERE "resident_id" = {a} AND "id" NOT IN ('
        f'SELECT "id" FROM "recent_views" WHERE "resident_id" = {b} '
        f'ORDER BY "viewed_at" DESC, "id" DESC LIMIT {RECENT_KEPT})',
        [resident.id, resident.id],
    )


async def recent_ids(resident: Account, limit: int = RECENT_KEPT) -> list[int]:
    """The published listings `resident` opened lately, most recent first: one query."""
    rows = (
        await RecentView.filter(resident_id=resident.id, listing__status=ListingStatus.PUBLISHED)
        .order_by("-viewed_at", "-id")
        .limit(limit)
        .values_list("listing_id", flat=True)
    )
    return [int(i) for i in rows]
