from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0006_audit_trail')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Incident',
            name=None,
            fields=['bid_id', 'occurred_at'],
        ),
        ops.AddIndex(
            model_name='Incident',
            index=Index(fields=['bid_id', 'occurred_at', 'id', 'shop_id', 'kind', 'value_stolen_pence']),
        ),
    ]
