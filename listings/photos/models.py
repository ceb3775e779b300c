"""The Photo model: one re-encoded image of a listing, or of one of its dishes or products."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Photo(Model):
    """Files are stored under keys made from `sha256` (see listings.photos.storage_key).

    (No semicolon in this docstring: Tortoise splits SQLite migration statements on it.)
    """

    id = fields.IntField(primary_key=True)
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="photos", on_delete=fields.CASCADE
    )
    # a dish or product photo; when the offering goes, the photo stays with the listing
    offering = fields.ForeignKeyField(
        "taocity.Offering", related_name="photos", null=True, on_delete=fields.SET_NULL
    )
    original_key = fields.CharField(max_length=200)
    large_key = fields.CharField(max_length=200)
    small_key = fields.CharField(max_length=200)
    # of the stored original rendition, not of the upload
    width = fields.IntField()
    height = fields.IntField()
    content_type = fields.CharField(max_length=32)
    byte_size = fields.IntField()
    # hex sha256 of the stored original; the files of equal images are shared, so the index
    # answers "does any photo still use these files" before they are deleted
    sha256 = fields.CharField(max_length=64, db_index=True)
    caption = fields.JSONField(default=dict)  # per locale
    sort_order = fields.IntField(default=0)
    created_by = fields.ForeignKeyField(
        "taocity.Account", related_name="added_photos", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "photos"
        # the same image twice on one listing is one photo
        unique_together = (("listing", "sha256"),)
