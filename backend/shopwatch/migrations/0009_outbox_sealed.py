from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0008_retention')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxEmail',
            name='sealed',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
