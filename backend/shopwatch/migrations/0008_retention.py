from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0007_summary_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Bid',
            name='offender_retention_months',
            field=fields.IntField(default=12, db_default=12),
        ),
        ops.AddField(
            model_name='Incident',
            name='redacted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Offender',
            name='redacted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
