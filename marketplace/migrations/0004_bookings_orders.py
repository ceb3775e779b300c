from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from geo.fields import GeographyField
from json import dumps, loads
from marketplace.bookings.types import BookingState
from marketplace.orders.types import Fulfilment, OrderState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('taocity', '0003_search_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=8)),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(db_index=True, description='HELD: held\nPENDING_PAYMENT: pending_payment\nCONFIRMED: confirmed\nPREPARING: preparing\nREADY: ready\nPICKED_UP: picked_up\nDELIVERED: delivered\nCANCELLED_BY_RESIDENT: cancelled_by_resident\nCANCELLED_BY_MERCHANT: cancelled_by_merchant\nEXPIRED: expired', enum_type=OrderState, max_length=24)),
                ('fulfilment', fields.CharEnumField(description='PICKUP: pickup\nDELIVERY: delivery', enum_type=Fulfilment, max_length=16)),
                ('delivery_point', GeographyField(null=True, geometry_type='Point', srid=4326)),
                ('delivery_address', fields.CharField(null=True, max_length=200)),
                ('note', fields.CharField(null=True, max_length=500)),
                ('payment_mode', fields.CharField(null=True, max_length=16)),
                ('delivery_fee', fields.BigIntField(default=0)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('refund_due', fields.BigIntField(null=True)),
                ('hold_expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(max_length=80)),
                ('request_hash', fields.CharField(max_length=64)),
                ('code_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'orders', 'app': 'taocity', 'unique_together': (('resident', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('taocity.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharField(null=True, max_length=24)),
                ('to_state', fields.CharField(max_length=24)),
                ('actor', fields.ForeignKeyField('taocity.Account', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('actor_role', fields.CharField(max_length=16)),
                ('reason', fields.CharField(null=True, max_length=300)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'order_events', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('taocity.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('offering', fields.ForeignKeyField('taocity.Offering', source_field='offering_id', db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.RESTRICT)),
                ('name', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quantity', fields.IntField()),
                ('unit_price', fields.BigIntField()),
                ('stock_held', fields.BooleanField()),
            ],
            options={'table': 'order_lines', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Slot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('offering', fields.ForeignKeyField('taocity.Offering', source_field='offering_id', null=True, db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('bookable', fields.CharField(max_length=24)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField()),
                ('taken', fields.IntField(default=0)),
            ],
            options={'table': 'booking_slots', 'app': 'taocity', 'unique_together': (('bookable', 'starts_at'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=8)),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('offering', fields.ForeignKeyField('taocity.Offering', source_field='offering_id', null=True, db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('slot', fields.ForeignKeyField('taocity.Slot', source_field='slot_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('party_size', fields.IntField()),
                ('address_point', GeographyField(null=True, geometry_type='Point', srid=4326)),
                ('address_text', fields.CharField(null=True, max_length=200)),
                ('note', fields.CharField(null=True, max_length=500)),
                ('state', fields.CharEnumField(db_index=True, description='HELD: held\nPENDING_PAYMENT: pending_payment\nCONFIRMED: confirmed\nCOMPLETED: completed\nCANCELLED_BY_RESIDENT: cancelled_by_resident\nCANCELLED_BY_MERCHANT: cancelled_by_merchant\nEXPIRED: expired\nNO_SHOW: no_show', enum_type=BookingState, max_length=24)),
                ('payment_mode', fields.CharField(null=True, max_length=16)),
                ('unit_price', fields.BigIntField()),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('cancellation_policy', fields.CharField(max_length=40)),
                ('refund_due', fields.BigIntField(null=True)),
                ('hold_expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(max_length=80)),
                ('request_hash', fields.CharField(max_length=64)),
                ('code_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'bookings', 'app': 'taocity', 'unique_together': (('resident', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BookingEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('booking', fields.ForeignKeyField('taocity.Booking', source_field='booking_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharField(null=True, max_length=24)),
                ('to_state', fields.CharField(max_length=24)),
                ('actor', fields.ForeignKeyField('taocity.Account', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('actor_role', fields.CharField(max_length=16)),
                ('reason', fields.CharField(null=True, max_length=300)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'booking_events', 'app': 'taocity', 'pk_attr': 'id', 'table_description': 'One transition of a booking: what, who and when.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Listing',
            name='cancellation_policy',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='Listing',
            name='reservations',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Offering',
            name='availability',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
