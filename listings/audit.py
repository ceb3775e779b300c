"""A listing's audit trail: who changed what, when, with each field's old and new value.

Changes are computed by diffing a snapshot taken before the change with one taken after, so a
verb cannot forget to report a field it touched. Entries are written by the verb inside its own
transaction: a change that rolls back leaves no entry, and an entry cannot fail alone.

Every listing change passes through `record`, so it also writes the outbox row that brings the
search index up to date (`listings.index_outbox`, drained by `search.outbox`): a new verb cannot
forget the index either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from listings import index_outbox
from listings.models import Listing, ListingChange, Offering
from listings.permissions import Action, allowed
from listings.types import ListingAction
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.errors import PermissionDenied

Snapshot = dict[str, Any]

# everything a merchant or operator can change; ratings and timestamps are not audited
LISTING_FIELDS = (
    "external_id",
    "vertical",
    "category",
    "name",
    "description",
    "address",
    "location",
    "district",
    "service_area",
    "weekly_hours",
    "hours_exceptions",
    "closures",
    "tags",
    "status",
    "hidden_by_operator",
    "hidden_reason",
)
OFFERING_FIELDS = (
    "kind",
    "name",
    "description",
    "price",
    "duration_min",
    "stock",
    "is_active",
    "sort_order",
)


def _plain(value: Any) -> Any:
    """A JSON value for the diff: geometry as GeoJSON, enums as their text."""
    if isinstance(value, BaseGeometry):
        if value.geom_type == "Point":
            return {"lat": value.y, "lng": value.x}
        return json.loads(shapely.to_geojson(value))
    if isinstance(value, str):
        return str(value)  # a StrEnum becomes its plain value
    return value


def _with_attributes(snapshot: Snapshot, attributes: Mapping[str, Any] | None) -> Snapshot:
    # one entry per attribute, so the trail says "attributes.seats 40 -> 60", not the whole object
    for key, value in (attributes or {}).items():
        snapshot[f"attributes.{key}"] = value
    return snapshot


def listing_snapshot(listing: Listing) -> Snapshot:
    snapshot = {name: _plain(getattr(listing, name)) for name in LISTING_FIELDS}
    return _with_attributes(snapshot, listing.attributes)


def offering_snapshot(offering: Offering) -> Snapshot:
    snapshot = {name: _plain(getattr(offering, name)) for name in OFFERING_FIELDS}
    return _with_attributes(snapshot, offering.attributes)


def diff(before: Snapshot, after: Snapshot, *, prefix: str = "") -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs (absent counts as None)."""
    changed: dict[str, list[Any]] = {}
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[f"{prefix}{key}"] = [old, new]
    return changed


async def record(
    listing: Listing,
    actor: Account | None,
    action: ListingAction,
    changes: Mapping[str, list[Any]],
    *,
    note: str | None = None,
) -> ListingChange:
    """Write one entry; call it inside the transaction that makes the change."""
    await index_outbox.enqueue([listing.id])
    return await ListingChange.create(
        listing_id=listing.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        changes=dict(changes),
        note=note,
    )


async def history(
    actor: Account | None, listing: Listing, *, limit: int = 200
) -> list[ListingChange]:
    """The listing's trail, newest first, for operators and the merchant's own staff."""
    if actor is None:
        raise LoginRequired()
    operator = await allowed(actor, Action.REVIEW_MERCHANT, None)
    if not operator and not await allowed(actor, Action.EDIT, listing.merchant_id):  # type: ignore[attr-defined]
        raise PermissionDenied("not allowed to see this listing's history")
    return (
        await ListingChange.filter(listing_id=listing.id)
        .order_by("-at", "-id")
        .limit(limit)
        .prefetch_related("actor")
    )
