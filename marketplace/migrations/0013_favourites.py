"""Favourites (收藏) and recently viewed listings: the `favourites` and `recent_views` tables.

Both hold one row per resident and listing (a unique pair), so saving twice or recording the same
view from two tabs cannot make a second row, on either database. Going back drops both tables.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("taocity", "0012_places")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Favourite",
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='favourites', on_delete=OnDelete.CASCADE)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='favourites', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                'table': 'favourites',
                'app': 'taocity',
                'unique_together': (('resident', 'listing'),),
                'indexes': [Index(fields=['listing_id'])],
                'pk_attr': 'id',
                'table_description': 'A listing a resident saved, one row per resident and listing.',
            },
            bases=['Model'],
        ),
        ops.CreateModel(
            name="RecentView",
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='recent_views', on_delete=OnDelete.CASCADE)),
                ('listing', fields.ForeignKeyField('taocity.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='recent_views', on_delete=OnDelete.CASCADE)),
                ('viewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                'table': 'recent_views',
                'app': 'taocity',
                'unique_together': (('resident', 'listing'),),
                'indexes': [Index(fields=['resident_id', 'viewed_at'])],
                'pk_attr': 'id',
                'table_description': (
                    'A listing a signed-in resident opened lately, one row per resident and listing.'
                ),
            },
            bases=['Model'],
        ),
    ]
