"""Tortoise models of the places domain (app label `taocity`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from marketplace.places import MAX_ADDRESS_TEXT, MAX_LABEL


class SavedAddress(Model):
    """A saved address, such as home or office: a point and the words for the door."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField(
        "taocity.Account", related_name="saved_addresses", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=MAX_LABEL)
    # plain numbers: an address is shown and copied into searches, never queried spatially
    lat = fields.FloatField()
    lng = fields.FloatField()
    address_text = fields.CharField(max_length=MAX_ADDRESS_TEXT, default="")
    # the one address "serves my address" searches and bookings start from (at most one each)
    serves = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "saved_addresses"
        unique_together = (("account_id", "label"),)


class ResidentPlace(Model):
    """The place a signed-in resident chose last, the same on every device."""

    id = fields.IntField(primary_key=True)
    account = fields.OneToOneField(
        "taocity.Account", related_name="current_place", on_delete=fields.CASCADE
    )
    lat = fields.FloatField()
    lng = fields.FloatField()
    kind = fields.CharField(max_length=16)
    label = fields.CharField(max_length=80, default="")
    # set when the place is a saved address; deleting the address keeps the point
    address = fields.ForeignKeyField(
        "taocity.SavedAddress", related_name="chosen_by", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "resident_places"
