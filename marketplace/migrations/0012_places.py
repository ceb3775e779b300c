"""Where residents are: saved addresses (家, 公司) and the place each account chose last."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('taocity', '0011_purchase_codes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SavedAddress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('taocity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='saved_addresses', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(max_length=32)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('address_text', fields.CharField(default='', max_length=200)),
                ('serves', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'saved_addresses', 'app': 'taocity', 'unique_together': (('account_id', 'label'),), 'pk_attr': 'id', 'table_description': 'A saved address, such as home or office: a point and the words for the door.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResidentPlace',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('taocity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='current_place', on_delete=OnDelete.CASCADE)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('kind', fields.CharField(max_length=16)),
                ('label', fields.CharField(default='', max_length=80)),
                ('address', fields.ForeignKeyField('taocity.SavedAddress', source_field='address_id', null=True, db_constraint=True, to_field='id', related_name='chosen_by', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'resident_places', 'app': 'taocity', 'pk_attr': 'id', 'table_description': 'The place a signed-in resident chose last, the same on every device.'},
            bases=['Model'],
        ),
    ]
