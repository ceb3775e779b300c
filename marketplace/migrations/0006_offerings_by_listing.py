from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('taocity', '0005_payments')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Offering',
            index=Index(fields=['listing_id', 'is_active']),
        ),
    ]
