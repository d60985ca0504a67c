from tortoise import migrations
from tortoise.migrations import operations as ops
from shopwatch.live.models import LiveAlertKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0013_evidence')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LiveAlert',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='live_alerts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='OFFENDER_SEEN: OFFENDER_SEEN\nEXCLUSION_BREACH: EXCLUSION_BREACH\nPATTERN_ALERT: PATTERN_ALERT\nBROADCAST: BROADCAST', enum_type=LiveAlertKind, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('message', fields.TextField(unique=False)),
                ('shop', fields.ForeignKeyField('shopwatch.Shop', source_field='shop_id', null=True, db_constraint=True, to_field='id', related_name='live_alerts', on_delete=OnDelete.SET_NULL)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', null=True, db_constraint=True, to_field='id', related_name='live_alerts', on_delete=OnDelete.SET_NULL)),
                ('created_by', fields.ForeignKeyField('shopwatch.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='live_alerts_sent', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'live_alert', 'app': 'shopwatch', 'indexes': [Index(fields=['bid_id', 'created_at']), Index(fields=['created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
