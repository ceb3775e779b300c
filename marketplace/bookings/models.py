"""Tortoise models of bookings (app label `taocity`).

A `Slot` row exists for every (offering, start) someone has held: `taken` counts the places
(cleaners, teachers, covers, seats) held or booked in it, and only ever changes by a conditional
UPDATE that keeps it within the capacity (see services). Slots nobody touched are computed from
the offering's availability and have no row.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from geo.fields import PointField
from marketplace.bookings.types import BookingState
from marketplace.purchases.models import PurchaseEvent


def slot_key(listing_id: int, offering_id: int | None) -> str:
    """`Slot.bookable` of what is booked: an offering, or (None) a restaurant's tables."""
    return f"o{offering_id}" if offering_id is not None else f"t{listing_id}"


class Slot(Model):
    id = fields.BigIntField(primary_key=True)
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="slots", on_delete=fields.CASCADE
    )
    offering = fields.ForeignKeyField(
        "taocity.Offering", related_name="slots", null=True, on_delete=fields.CASCADE
    )
    # what is booked: "o<offering id>", or "t<listing id>" for a restaurant's tables; one
    # non-null key so the unique constraint holds on both databases (NULLs never collide)
    bookable = fields.CharField(max_length=24)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()  # as the availability said when the row was made or last held
    taken = fields.IntField(default=0)

    class Meta:
        table = "booking_slots"
        unique_together = (("bookable", "starts_at"),)
        # behind the hold's conditional UPDATE: the database itself refuses an oversold slot
        constraints = (
            CheckConstraint(
                check="taken >= 0 AND taken <= capacity", name="booking_slots_taken_in_capacity"
            ),
        )


class Booking(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=8, unique=True)  # shown once confirmed
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="bookings", on_delete=fields.RESTRICT
    )
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="bookings", on_delete=fields.RESTRICT
    )
    offering = fields.ForeignKeyField(  # None: a table reservation
        "taocity.Offering", related_name="bookings", null=True, on_delete=fields.RESTRICT
    )
    slot = fields.ForeignKeyField(
        "taocity.Slot", related_name="bookings", on_delete=fields.RESTRICT
    )
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    party_size = fields.IntField()  # places taken in the slot
    address_point = PointField(null=True)  # where a travelling service goes
    address_text = fields.CharField(max_length=200, null=True)
    note = fields.CharField(max_length=500, null=True)
    state = fields.CharEnumField(BookingState, max_length=24, db_index=True)
    payment_mode = fields.CharField(max_length=16, null=True)  # chosen when confirming
    unit_price = fields.BigIntField()  # minor units
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    cancellation_policy = fields.CharField(max_length=40)  # the policy agreed when booking
    refund_due = fields.BigIntField(null=True)  # decided when cancelled
    hold_expires_at = fields.DatetimeField(null=True, db_index=True)
    idempotency_key = fields.CharField(max_length=80)
    request_hash = fields.CharField(max_length=64)
    code_used_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "bookings"
        unique_together = (("resident", "idempotency_key"),)


class BookingEvent(PurchaseEvent):
    """One transition of a booking: what, who and when."""

    # the columns are `PurchaseEvent`'s; the purchase kernel writes every row
    booking = fields.ForeignKeyField(
        "taocity.Booking", related_name="events", on_delete=fields.CASCADE
    )

    class Meta:
        table = "booking_events"
