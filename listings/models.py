"""Merchants, their listings on the map and what each listing sells."""

from __future__ import annotations

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from geo.fields import PointField, PolygonField
from listings.types import ListingAction, ListingStatus, MerchantStatus, OfferingKind, Vertical


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
    contact_name = fields.CharField(max_length=64, null=True)
    # what the applicant said the business is; null for merchants loaded in bulk
    vertical = fields.CharEnumField(Vertical, max_length=16, null=True)
    category = fields.CharField(max_length=40, null=True)
    address = fields.JSONField(default=dict)  # per locale
    location = PointField(null=True)
    district = fields.CharField(max_length=40, null=True)
    # the operator's review: kept after approval so the history of a decision stays visible
    rejection_reason = fields.TextField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "taocity.Account", related_name="reviewed_merchants", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "merchants"
        indexes = (("status", "created_at"),)


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
    # {"2026-10-01": [["10:00", "16:00"]]} and [{"start", "end", "reason"}]: listings.hours
    hours_exceptions = fields.JSONField(default=dict)
    closures = fields.JSONField(default=list)
    # per-vertical details: cuisine, seats, subjects, grades, delivery ...
    attributes = fields.JSONField(default=dict)
    tags = fields.JSONField(default=list)
    status = fields.CharEnumField(
        ListingStatus, default=ListingStatus.DRAFT, max_length=16, db_index=True
    )
    # set when an operator hid the listing: only an operator may then put it back
    hidden_by_operator = fields.BooleanField(default=False)
    hidden_reason = fields.TextField(null=True)
    # a restaurant's table reservations: availability whose capacity counts covers
    reservations = fields.JSONField(null=True)
    cancellation_policy = fields.CharField(max_length=40, null=True)  # None: the city's default
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
    # when residents may book it (marketplace.bookings.availability); None: not bookable by slot
    availability = fields.JSONField(null=True)
    is_active = fields.BooleanField(default=True)
    sort_order = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "offerings"
        # a listing's offerings are read by listing (pages, search cards): without this every
        # such read scans the whole table
        indexes = (("listing_id", "is_active"),)
        # behind checkout's conditional UPDATE: the database itself refuses negative stock
        constraints = (CheckConstraint(check="stock >= 0", name="offerings_stock_not_negative"),)


class MerchantInvite(Model):
    """An owner's invitation for someone to join the merchant's staff.

    Only a hash of the token is stored: the token itself travels once, to the invitee.
    """

    id = fields.IntField(primary_key=True)
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="invites", on_delete=fields.CASCADE
    )
    # exactly one of email and phone, normalised like an account's sign-in name
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=20, null=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by = fields.ForeignKeyField(
        "taocity.Account", related_name="sent_invites", null=True, on_delete=fields.SET_NULL
    )
    accepted_by = fields.ForeignKeyField(
        "taocity.Account", related_name="accepted_invites", null=True, on_delete=fields.SET_NULL
    )
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "merchant_invites"


class ListingChange(Model):
    """One entry of a listing's audit trail: who did what, and each field's old and new value.

    Written in the same transaction as the change it describes.
    """

    id = fields.BigIntField(primary_key=True)
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="changes", on_delete=fields.CASCADE
    )
    # null for the system (bulk import, demo seed) or for an account deleted since
    actor = fields.ForeignKeyField(
        "taocity.Account", related_name="listing_changes", null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField(auto_now_add=True)
    action = fields.CharEnumField(ListingAction, max_length=24)
    # {"field": [old, new]}, JSON values as the listing stores them
    changes = fields.JSONField(default=dict)
    note = fields.TextField(null=True)

    class Meta:
        table = "listing_changes"
        indexes = (("listing_id", "at"),)
