from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from enum import StrEnum
from payments.types import EventOutcome, LedgerAccount, PaymentState, RefundState
from tortoise.fields.base import OnDelete
from tortoise import fields

class PayableKind(StrEnum):
    # what a payment paid for until 0009 (payments then names a payable instead)
    BOOKING = "booking"
    ORDER = "order"


class Migration(migrations.Migration):
    dependencies = [('taocity', '0004_bookings_orders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MerchantPayoutAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('merchant', fields.OneToOneField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='payout_account', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=24)),
                ('account_id', fields.CharField(unique=True, max_length=255)),
                ('charges_enabled', fields.BooleanField(default=False)),
                ('payouts_enabled', fields.BooleanField(default=False)),
                ('details_submitted', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'merchant_payout_accounts', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='BOOKING: booking\nORDER: order', enum_type=PayableKind, max_length=16)),
                ('booking', fields.ForeignKeyField('taocity.Booking', source_field='booking_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('order', fields.ForeignKeyField('taocity.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=24)),
                ('provider_ref', fields.CharField(null=True, unique=True, max_length=255)),
                ('attempt', fields.IntField()),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('application_fee', fields.BigIntField()),
                ('state', fields.CharEnumField(db_index=True, description='STARTED: started\nSUCCEEDED: succeeded\nFAILED: failed\nREFUNDED: refunded\nPARTIALLY_REFUNDED: partially_refunded', enum_type=PaymentState, max_length=24)),
                ('refunded_amount', fields.BigIntField(default=0)),
                ('refund_owed', fields.BooleanField(default=False)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'payments', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcessedEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.CharField(max_length=24)),
                ('event_id', fields.CharField(max_length=255)),
                ('kind', fields.CharField(max_length=24)),
                ('provider_ref', fields.CharField(null=True, db_index=True, max_length=255)),
                ('outcome', fields.CharEnumField(description='APPLIED: applied\nALREADY: already\nDEFERRED: deferred\nIGNORED: ignored', enum_type=EventOutcome, max_length=16)),
                ('payload', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_events', 'app': 'taocity', 'unique_together': (('provider', 'event_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Refund',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.ForeignKeyField('taocity.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('reason', fields.CharField(max_length=32)),
                ('provider_ref', fields.CharField(null=True, unique=True, max_length=255)),
                ('state', fields.CharEnumField(db_index=True, description='PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=RefundState, max_length=16)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'refunds', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('transaction', fields.CharField(db_index=True, max_length=64)),
                ('line', fields.IntField()),
                ('account', fields.CharEnumField(description='RESIDENT_PAYMENTS: resident_payments\nPLATFORM_COMMISSION: platform_commission\nMERCHANT_PAYABLE: merchant_payable\nREFUNDS: refunds\nCASH_AT_STORE: cash_at_store', enum_type=LedgerAccount, max_length=24)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('payment', fields.ForeignKeyField('taocity.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('refund', fields.ForeignKeyField('taocity.Refund', source_field='refund_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entries', 'app': 'taocity', 'unique_together': (('transaction', 'line'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
