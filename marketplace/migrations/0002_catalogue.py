from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from geo.fields import GeographyField
from json import dumps, loads
from listings.types import ListingAction, MerchantStatus, Vertical
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('taocity', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ListingChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('taocity.Account', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='listing_changes', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('action', fields.CharEnumField(description='CREATED: created\nUPDATED: updated\nPUBLISHED: published\nUNPUBLISHED: unpublished\nHIDDEN: hidden\nRESTORED: restored\nOFFERING_ADDED: offering_added\nOFFERING_UPDATED: offering_updated\nOFFERING_REMOVED: offering_removed', enum_type=ListingAction, max_length=24)),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'listing_changes', 'app': 'taocity', 'indexes': [Index(fields=['listing_id', 'at'])], 'pk_attr': 'id', 'table_description': "One entry of a listing's audit trail: who did what, and each field's old and new value."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MerchantInvite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('invited_by', fields.ForeignKeyField('taocity.Account', source_field='invited_by_id', null=True, db_constraint=True, to_field='id', related_name='sent_invites', on_delete=OnDelete.SET_NULL)),
                ('accepted_by', fields.ForeignKeyField('taocity.Account', source_field='accepted_by_id', null=True, db_constraint=True, to_field='id', related_name='accepted_invites', on_delete=OnDelete.SET_NULL)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'merchant_invites', 'app': 'taocity', 'pk_attr': 'id', 'table_description': "An owner's invitation for someone to join the merchant's staff."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('taocity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=40)),
                ('title', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('link', fields.CharField(null=True, max_length=500)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notices', 'app': 'taocity', 'indexes': [Index(fields=['account_id', 'read_at'])], 'pk_attr': 'id', 'table_description': 'Something an account should read: a decision on an application, an invitation accepted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Photo',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('offering', fields.ForeignKeyField('taocity.Offering', source_field='offering_id', null=True, db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.SET_NULL)),
                ('original_key', fields.CharField(max_length=200)),
                ('large_key', fields.CharField(max_length=200)),
                ('small_key', fields.CharField(max_length=200)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('content_type', fields.CharField(max_length=32)),
                ('byte_size', fields.IntField()),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('caption', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sort_order', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('taocity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='added_photos', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'photos', 'app': 'taocity', 'unique_together': (('listing', 'sha256'),), 'pk_attr': 'id', 'table_description': 'Files are stored under keys made from `sha256` (see listings.photos.storage_key).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Listing',
            name='closures',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Listing',
            name='hidden_by_operator',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Listing',
            name='hidden_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Listing',
            name='hours_exceptions',
            field=fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AlterField(
            model_name='Merchant',
            name='status',
            field=fields.CharEnumField(default=MerchantStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nSUSPENDED: suspended', enum_type=MerchantStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Merchant',
            name='address',
            field=fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Merchant',
            name='category',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='Merchant',
            name='contact_name',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Merchant',
            name='district',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='Merchant',
            name='location',
            field=GeographyField(null=True, geometry_type='Point', srid=4326),
        ),
        ops.AddField(
            model_name='Merchant',
            name='rejection_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Merchant',
            name='reviewed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Merchant',
            name='reviewed_by',
            field=fields.ForeignKeyField('taocity.Account', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='reviewed_merchants', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Merchant',
            name='vertical',
            field=fields.CharEnumField(null=True, description='RESTAURANT: restaurant\nHOUSEKEEPING: housekeeping\nTUTORING: tutoring\nSHOP: shop', enum_type=Vertical, max_length=16),
        ),
        ops.AddIndex(
            model_name='Merchant',
            index=Index(fields=['status', 'created_at']),
        ),
    ]
