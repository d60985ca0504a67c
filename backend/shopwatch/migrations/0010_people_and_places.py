from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0009_outbox_sealed')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AuditEntry',
            name='bid_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['bid_id', 'at']),
        ),
        ops.AddIndex(
            model_name='Membership',
            index=Index(fields=['bid_id', 'created_at']),
        ),
        ops.AddField(
            model_name='Shop',
            name='closed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
