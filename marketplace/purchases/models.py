"""Tables the kernel owns (app label `taocity`): the code of every purchase, whatever its kind,
and the abstract shape of a purchase's history rows."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PurchaseCode(Model):
    """A purchase's code, unique across every kind, so one look-up finds any purchase.

    Written in the transaction that creates the purchase: a code another purchase already has
    fails the insert, and the creation draws another."""

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=8, unique=True)
    kind = fields.CharField(max_length=24)  # PurchaseKind.name: "booking", "order"
    ref_id = fields.BigIntField()  # the purchase's id in its kind's table

    class Meta:
        table = "purchase_codes"
        unique_together = (("kind", "ref_id"),)


class PurchaseEvent(Model):
    """One transition of a purchase: what, who and when. Each kind's table adds the link to its
    purchase (`booking`, `order`); the kernel writes every row (`history.record`)."""

    id = fields.BigIntField(primary_key=True)
    from_state = fields.CharField(max_length=24, null=True)  # None: created
    to_state = fields.CharField(max_length=24)
    actor = fields.ForeignKeyField(
        "taocity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_role = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=300, null=True)
    at = fields.DatetimeField()

    class Meta:
        abstract = True
