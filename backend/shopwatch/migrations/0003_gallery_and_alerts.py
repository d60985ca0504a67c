from tortoise import migrations
from tortoise.migrations import operations as ops
from shopwatch.alerts.models import AlertRule
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0002_incidents_offenders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Alert',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('rule', fields.CharEnumField(description='REPEAT_OFFENDER: REPEAT_OFFENDER\nMULTI_SHOP_OFFENDER: MULTI_SHOP_OFFENDER\nVIOLENCE_BY_KNOWN_OFFENDER: VIOLENCE_BY_KNOWN_OFFENDER\nEXCLUSION_BREACH: EXCLUSION_BREACH\nREPEAT_VEHICLE: REPEAT_VEHICLE\nSHOP_HOTSPOT: SHOP_HOTSPOT', enum_type=AlertRule, max_length=32)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.SET_NULL)),
                ('shop', fields.ForeignKeyField('shopwatch.Shop', source_field='shop_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.SET_NULL)),
                ('vehicle_registration', fields.CharField(null=True, max_length=12)),
                ('summary', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('open_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acknowledged_by', fields.ForeignKeyField('shopwatch.User', source_field='acknowledged_by_id', null=True, db_constraint=True, to_field='id', related_name='alerts_acknowledged', on_delete=OnDelete.SET_NULL)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('incidents', fields.ManyToManyField('shopwatch.Incident', unique=True, db_constraint=True, through='alert_incident', forward_key='incident_id', backward_key='alert_id', related_name='alerts', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'alert', 'app': 'shopwatch', 'indexes': [Index(fields=['bid_id', 'rule', 'open_until']), Index(fields=['bid_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AlertRecipient',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('alert', fields.ForeignKeyField('shopwatch.Alert', source_field='alert_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.CASCADE)),
                ('address', fields.CharField(max_length=320)),
                ('outbox_email', fields.ForeignKeyField('shopwatch.OutboxEmail', source_field='outbox_email_id', null=True, db_constraint=True, to_field='id', related_name='alert_recipients', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'alert_recipient', 'app': 'shopwatch', 'unique_together': (('alert', 'address'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AlertRuleSetting',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='alert_rule_settings', on_delete=OnDelete.CASCADE)),
                ('rule', fields.CharEnumField(description='REPEAT_OFFENDER: REPEAT_OFFENDER\nMULTI_SHOP_OFFENDER: MULTI_SHOP_OFFENDER\nVIOLENCE_BY_KNOWN_OFFENDER: VIOLENCE_BY_KNOWN_OFFENDER\nEXCLUSION_BREACH: EXCLUSION_BREACH\nREPEAT_VEHICLE: REPEAT_VEHICLE\nSHOP_HOTSPOT: SHOP_HOTSPOT', enum_type=AlertRule, max_length=32)),
                ('enabled', fields.BooleanField(default=True)),
                ('threshold', fields.IntField()),
                ('window_days', fields.IntField()),
                ('updated_by', fields.ForeignKeyField('shopwatch.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name='alert_rule_changes', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'alert_rule_setting', 'app': 'shopwatch', 'unique_together': (('bid', 'rule'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Exclusion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', db_constraint=True, to_field='id', related_name='exclusions', on_delete=OnDelete.CASCADE)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('reason', fields.TextField(unique=False)),
                ('issued_by', fields.ForeignKeyField('shopwatch.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='exclusions_issued', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'exclusion', 'app': 'shopwatch', 'indexes': [Index(fields=['offender_id', 'ends_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OffenderPhoto',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('content_type', fields.CharField(max_length=32)),
                ('original_path', fields.CharField(max_length=200)),
                ('display_path', fields.CharField(max_length=200)),
                ('thumbnail_path', fields.CharField(max_length=200)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('byte_size', fields.IntField()),
                ('perceptual_hash', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'offender_photo', 'app': 'shopwatch', 'unique_together': (('offender', 'sha256'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Offender',
            name='merged_into',
            field=fields.ForeignKeyField('shopwatch.Offender', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_from', on_delete=OnDelete.SET_NULL),
        ),
    ]
