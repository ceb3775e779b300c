from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from geo.fields import GeographyField
from geo.migration_ops import create_postgis, drop_gist_index, gist_index, noop
from json import dumps, loads
from listings.types import ListingStatus, MerchantStatus, OfferingKind, Vertical
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.RunPython(create_postgis, noop),
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(null=True, unique=True, max_length=254)),
                ('phone', fields.CharField(null=True, unique=True, max_length=20)),
                ('password_hash', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(max_length=64)),
                ('locale', fields.CharField(max_length=16)),
                ('role_codes', fields.CharField(source_field='roles', default='', max_length=128)),
                ('is_active', fields.BooleanField(default=True)),
                ('session_version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounts', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('identifier', fields.CharField(max_length=254)),
                ('ip', fields.CharField(max_length=45)),
                ('succeeded', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_attempts', 'app': 'taocity', 'indexes': [Index(fields=['identifier', 'created_at']), Index(fields=['ip', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One sign-in attempt, kept in the database so limits hold across web processes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Merchant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=MerchantStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nSUSPENDED: suspended', enum_type=MerchantStatus, max_length=16)),
                ('owner', fields.ForeignKeyField('taocity.Account', source_field='owner_id', db_constraint=True, to_field='id', related_name='owned_merchants', on_delete=OnDelete.RESTRICT)),
                ('contact_phone', fields.CharField(null=True, max_length=32)),
                ('contact_email', fields.CharField(null=True, max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'merchants', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Listing',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.CASCADE)),
                ('external_id', fields.CharField(null=True, unique=True, max_length=64)),
                ('vertical', fields.CharEnumField(db_index=True, description='RESTAURANT: restaurant\nHOUSEKEEPING: housekeeping\nTUTORING: tutoring\nSHOP: shop', enum_type=Vertical, max_length=16)),
                ('category', fields.CharField(db_index=True, max_length=40)),
                ('name', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('description', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('address', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('location', GeographyField(geometry_type='Point', srid=4326)),
                ('service_area', GeographyField(null=True, geometry_type='Polygon', srid=4326)),
                ('district', fields.CharField(null=True, db_index=True, max_length=40)),
                ('weekly_hours', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('attributes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=ListingStatus.DRAFT, db_index=True, description='DRAFT: draft\nPUBLISHED: published\nHIDDEN: hidden', enum_type=ListingStatus, max_length=16)),
                ('rating_avg', fields.FloatField(null=True)),
                ('rating_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'listings', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MerchantStaff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('taocity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='merchant_memberships', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'merchant_staff', 'app': 'taocity', 'unique_together': (('merchant', 'account'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Offering',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='offerings', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='DISH: dish\nSERVICE: service\nLESSON: lesson\nPRODUCT: product', enum_type=OfferingKind, max_length=16)),
                ('name', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('description', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('price', fields.BigIntField()),
                ('duration_min', fields.IntField(null=True)),
                ('stock', fields.IntField(null=True)),
                ('attributes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_active', fields.BooleanField(default=True)),
                ('sort_order', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'offerings', 'app': 'taocity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(gist_index('listings', 'location'), drop_gist_index('listings', 'location')),
        ops.RunPython(gist_index('listings', 'service_area'), drop_gist_index('listings', 'service_area')),
    ]

