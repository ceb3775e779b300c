"""Tortoise models of payments (app label `taocity`): payments, refunds, provider events
processed once, the ledger, and merchants' accounts at the provider.

Money is integer minor units in the city's currency. Uniqueness is what makes retries safe: a
payment's and a refund's idempotency key (derived from our ids, sent to the provider), the
provider's own reference, an event id per provider, and a ledger transaction's lines.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from payments.errors import LedgerIsAppendOnly
from payments.types import (
    EventOutcome,
    FundedBy,
    LedgerAccount,
    LineKind,
    PartyKind,
    PaymentState,
    RefundState,
)


class Payable(Model):
    # Whatever a resident pays for: one per purchase of any kind ("booking" 42, "order" 7, ...),
    # priced once into lines (`payments.pricing`); `amount_due` is the lines' sum.

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=24)  # a registered purchase kind (payments.purchase_kinds)
    ref_id = fields.BigIntField()  # the purchase's id in its own table
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="payables", on_delete=fields.RESTRICT
    )
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="payables", on_delete=fields.RESTRICT
    )
    vertical = fields.CharField(max_length=24)  # which commission rate applies
    currency = fields.CharField(max_length=3)
    amount_due = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payables"
        unique_together = (("kind", "ref_id"),)

    @property
    def reference(self) -> str:
        """Our id as the provider stores it in metadata and events carry it: "booking:42"."""
        return f"{self.kind}:{self.ref_id}"


class PayableLine(Model):
    id = fields.BigIntField(primary_key=True)
    payable = fields.ForeignKeyField(
        "taocity.Payable", related_name="lines", on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    kind = fields.CharEnumField(LineKind, max_length=16)
    label = fields.JSONField()  # {"zh-CN": ..., "en": ...}
    quantity = fields.IntField(default=1)
    unit_amount = fields.BigIntField()
    amount = fields.BigIntField()  # quantity x unit_amount; adjustments are signed
    funded_by = fields.CharEnumField(FundedBy, max_length=16, default=FundedBy.NONE)
    ref = fields.CharField(max_length=64, null=True)  # "offering:12", "coupon:3", ...

    class Meta:
        table = "payable_lines"
        unique_together = (("payable", "position"),)


class Payment(Model):
    # One tender: part or all of a payable's amount due, paid one way (Stripe, at the store, ...).
    id = fields.BigIntField(primary_key=True)
    payable = fields.ForeignKeyField(
        "taocity.Payable", related_name="tenders", on_delete=fields.RESTRICT
    )
    resident = fields.ForeignKeyField(
        "taocity.Account", related_name="payments", on_delete=fields.RESTRICT
    )
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="payments", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=24)
    provider_ref = fields.CharField(max_length=255, null=True, unique=True)
    attempt = fields.IntField()  # 1, 2, ... per payable: part of the key
    amount = fields.BigIntField()  # this tender's part of the amount due
    currency = fields.CharField(max_length=3)
    application_fee = fields.BigIntField()  # the platform's part of this tender (its split)
    state = fields.CharEnumField(PaymentState, max_length=24, db_index=True)
    refunded_amount = fields.BigIntField(default=0)
    # paid, but the purchase had moved on (hold expired, cancelled): refund it all
    refund_owed = fields.BooleanField(default=False)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payments"


class Refund(Model):
    id = fields.BigIntField(primary_key=True)
    payment = fields.ForeignKeyField(
        "taocity.Payment", related_name="refunds", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    reason = fields.CharField(max_length=32)
    provider_ref = fields.CharField(max_length=255, null=True, unique=True)
    state = fields.CharEnumField(RefundState, max_length=16, db_index=True)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "refunds"


class SplitShare(Model):
    # One party's share of a paid tender, computed once by `payments.split` when the tender is
    # paid, stored with it and posted to the ledger from these rows.

    id = fields.BigIntField(primary_key=True)
    payment = fields.ForeignKeyField(
        "taocity.Payment", related_name="split", on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    share = fields.CharField(max_length=32)  # payments.split.ShareKind
    party_kind = fields.CharEnumField(PartyKind, max_length=16)
    party_id = fields.BigIntField(null=True)  # None for the platform
    amount = fields.BigIntField()
    basis = fields.CharField(max_length=120)  # how it was computed, for people reading it

    class Meta:
        table = "payment_splits"
        unique_together = (("payment", "position"),)


class ProcessedEvent(Model):
    # A provider event we have acted on. Its id is stored in the same transaction as the
    # effects, so a second delivery finds it and changes nothing.

    id = fields.BigIntField(primary_key=True)
    provider = fields.CharField(max_length=24)
    event_id = fields.CharField(max_length=255)
    kind = fields.CharField(max_length=24)
    provider_ref = fields.CharField(max_length=255, null=True, db_index=True)
    outcome = fields.CharEnumField(EventOutcome, max_length=16)
    payload = fields.JSONField(null=True)  # a deferred event, to apply once its payment succeeds
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_events"
        unique_together = (("provider", "event_id"),)


class LedgerEntry(Model):
    # One line of a balanced transaction. `transaction` is derived from our ids ("payment:17",
    # "refund:4") and (transaction, line) is unique, so a transaction is posted once. Entries
    # are only ever inserted (`payments.ledger.post`); on PostgreSQL a trigger refuses UPDATE
    # and DELETE.

    id = fields.BigIntField(primary_key=True)
    transaction = fields.CharField(max_length=64, db_index=True)
    line = fields.IntField()
    account = fields.CharEnumField(LedgerAccount, max_length=24)
    # what the transaction records: ("payment", 17), ("refund", 4), ("wallet_topup", 3), ...
    source_kind = fields.CharField(max_length=24)
    source_id = fields.BigIntField()
    # whose balance the line moves; the platform has no id
    party_kind = fields.CharEnumField(PartyKind, max_length=16)
    party_id = fields.BigIntField(null=True)
    # the merchant whose sale the entry concerns, for per-merchant reports (whoever the party)
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    payment = fields.ForeignKeyField(
        "taocity.Payment", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    refund = fields.ForeignKeyField(
        "taocity.Refund", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()  # signed minor units
    currency = fields.CharField(max_length=3)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entries"
        unique_together = (("transaction", "line"),)
        indexes = (("source_kind", "source_id"), ("party_kind", "party_id"))

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:  # history is corrected by a reversing transaction, never edited
            raise LedgerIsAppendOnly(f"ledger entry {self.id} cannot be changed")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise LedgerIsAppendOnly(f"ledger entry {self.id} cannot be deleted")


class MerchantPayoutAccount(Model):
    id = fields.IntField(primary_key=True)
    merchant = fields.OneToOneField(
        "taocity.Merchant", related_name="payout_account", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=24)
    account_id = fields.CharField(max_length=255, unique=True)
    charges_enabled = fields.BooleanField(default=False)
    payouts_enabled = fields.BooleanField(default=False)
    details_submitted = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "merchant_payout_accounts"
