from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0004_membership_user_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OffenderLink',
            index=Index(fields=['offender_id', 'incident_id']),
        ),
    ]
