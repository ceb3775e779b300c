"""Merchants, their listings on the map and what each listing sells."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from geo.fields import PointField, PolygonField
from listings.types import ListingStatus, MerchantStatus, OfferingKind, Vertical


class Merchant(Model):
    id = fields.IntField(primary_key=True)
    # names per locale, e.g. {"zh-CN": "金牌家政", "en": "Golden Housekeeping"}
    name = fields.JSONField()
    status = fields.CharEnumField(MerchantStatus, default=MerchantStatus.PENDING, max_length=16)
    owner = fields.ForeignKeyField(
        "taocity.Account", related_name="owned_merchants", on_delete=fields.RESTRICT
    )
    contact_phone = fields.CharField(max_length=32, null=True)
    contact_email = fields.CharField(max_length=254, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "merchants"


class MerchantStaff(Model):
    id = fields.IntField(primary_key=True)
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="staff", on_delete=fields.CASCADE
    )
    account = fields.ForeignKeyField(
        "taocity.Account", related_name="merchant_memberships", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "merchant_staff"
        unique_together = (("merchant", "account"),)


class Listing(Model):
    id = fields.IntField(primary_key=True)
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="listings", on_delete=fields.CASCADE
    )
    # stable id from a bulk import so that re-importing updates instead of duplicating
    external_id = fields.CharField(max_length=64, null=True, unique=True)
    vertical = fields.CharEnumField(Vertical, max_length=16, db_index=True)
    category = fields.CharField(max_length=40, db_index=True)
    name = fields.JSONField()  # per locale
    description = fields.JSONField(default=dict)  # per locale
    address = fields.JSONField(default=dict)  # per locale
    location = PointField()
    service_area = PolygonField(null=True)
    district = fields.CharField(max_length=40, null=True, db_index=True)
    # {"mon": [["09:00", "21:00"]], ..., "sun": []} in the city's timezone
    weekly_hours = fields.JSONField(default=dict)
    # per-vertical details: cuisine, seats, subjects, grades, delivery ...
    attributes = fields.JSONField(default=dict)
    tags = fields.JSONField(default=list)
    status = fields.CharEnumField(
        ListingStatus, default=ListingStatus.DRAFT, max_length=16, db_index=True
    )
    rating_avg = fields.FloatField(null=True)
    rating_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "listings"


class Offering(Model):
    id = fields.IntField(primary_key=True)
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="offerings", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(OfferingKind, max_length=16)
    name = fields.JSONField()  # per locale
    description = fields.JSONField(default=dict)
    # integer minor units of the city's currency (fen for CNY); never a float
    price = fields.BigIntField()
    duration_min = fields.IntField(null=True)  # services and lessons
    stock = fields.IntField(null=True)  # products; None means not tracked
    attributes = fields.JSONField(default=dict)
    is_active = fields.BooleanField(default=True)
    sort_order = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "offerings"
