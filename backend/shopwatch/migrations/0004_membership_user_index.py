from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0003_gallery_and_alerts')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Membership',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['user_id']),
        ),
    ]
