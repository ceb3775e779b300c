"""Tortoise models of the favourites domain (app label `taocity`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Favourite(Model):
    """A listing a resident saved, one row per resident and listing.

    Saving twice, or from two tabs at once, is the same save: the unique constraint decides a
    race."""

    id = fields.BigIntField(primary_key=True)
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="favourites", on_delete=fields.CASCADE
    )
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="favourites", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "favourites"
        unique_together = (("resident", "listing"),)
        # the listing page counts a listing's favourites
        indexes = (("listing_id",),)


class RecentView(Model):
    """A listing a signed-in resident opened lately, one row per resident and listing.

    Only the newest few are kept (`services.RECENT_KEPT`)."""

    id = fields.BigIntField(primary_key=True)
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="recent_views", on_delete=fields.CASCADE
    )
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="recent_views", on_delete=fields.CASCADE
    )
    viewed_at = fields.DatetimeField()

    class Meta:
        table = "recent_views"
        unique_together = (("resident", "listing"),)
        indexes = (("resident_id", "viewed_at"),)
