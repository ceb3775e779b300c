"""Tortoise models of shop orders (app label `taocity`).

Stock lives on `listings.Offering.stock` (None: not counted) and only changes by conditional
UPDATEs that never take it below zero (see services).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from geo.fields import PointField
from marketplace.orders.types import Fulfilment, OrderState
from marketplace.purchases.models import PurchaseEvent


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=8, unique=True)
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="orders", on_delete=fields.RESTRICT
    )
    listing = fields.ForeignKeyField(
        "taocity.Listing", related_name="orders", on_delete=fields.RESTRICT
    )
    state = fields.CharEnumField(OrderState, max_length=24, db_index=True)
    fulfilment = fields.CharEnumField(Fulfilment, max_length=16)
    delivery_point = PointField(null=True)
    delivery_address = fields.CharField(max_length=200, null=True)
    note = fields.CharField(max_length=500, null=True)
    payment_mode = fields.CharField(max_length=16, null=True)
    delivery_fee = fields.BigIntField(default=0)  # minor units
    amount = fields.BigIntField()  # minor units: the lines plus the delivery fee
    currency = fields.CharField(max_length=3)
    refund_due = fields.BigIntField(null=True)
    hold_expires_at = fields.DatetimeField(null=True, db_index=True)
    idempotency_key = fields.CharField(max_length=80)
    request_hash = fields.CharField(max_length=64)
    code_used_at = fields.DatetimeField(null=True)
    # when the resident collects it (or it leaves for delivery): within the shop's hours, at
    # least its preparation time ahead (`marketplace.orders.pickup`)
    pickup_at = fields.DatetimeField(null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "orders"
        unique_together = (("resident", "idempotency_key"),)


class OrderLine(Model):
    id = fields.BigIntField(primary_key=True)
    order = fields.ForeignKeyField("taocity.Order", related_name="lines", on_delete=fields.CASCADE)
    offering = fields.ForeignKeyField(
        "taocity.Offering", related_name="order_lines", on_delete=fields.RESTRICT
    )
    name = fields.JSONField()  # per locale, as it was when ordered
    quantity = fields.IntField()
    unit_price = fields.BigIntField()
    stock_held = fields.BooleanField()  # whether this line took stock (tracked products)

    class Meta:
        table = "order_lines"


class OrderEvent(PurchaseEvent):
    # the columns are `PurchaseEvent`'s; the purchase kernel writes every row
    order = fields.ForeignKeyField("taocity.Order", related_name="events", on_delete=fields.CASCADE)

    class Meta:
        table = "order_events"
