from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('taocity', '0007_capacity_checks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SignupAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('identifier', fields.CharField(max_length=254)),
                ('ip', fields.CharField(max_length=45)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signup_attempts', 'app': 'taocity', 'indexes': [Index(fields=['identifier', 'created_at']), Index(fields=['ip', 'created_at']), Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'One sign-up attempt, kept so that sign-up limits hold across web processes.'},
            bases=['Model'],
        ),
    ]
