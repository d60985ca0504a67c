from tortoise import migrations
from tortoise.migrations import operations as ops
from shopwatch.incidents.models import IncidentKind, IncidentStatus
from shopwatch.offenders.models import OffenderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Incident',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_id', fields.UUIDField(unique=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='incidents', on_delete=OnDelete.RESTRICT)),
                ('shop', fields.ForeignKeyField('shopwatch.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='incidents', on_delete=OnDelete.RESTRICT)),
                ('reporter', fields.ForeignKeyField('shopwatch.User', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='incidents_reported', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='THEFT: THEFT\nASSAULT: ASSAULT\nTHREATS_AND_ABUSE: THREATS_AND_ABUSE\nCRIMINAL_DAMAGE: CRIMINAL_DAMAGE\nANTISOCIAL_BEHAVIOUR: ANTISOCIAL_BEHAVIOUR\nBURGLARY: BURGLARY\nFRAUD: FRAUD\nOTHER: OTHER', enum_type=IncidentKind, max_length=24)),
                ('status', fields.CharEnumField(default=IncidentStatus.NEW, description='NEW: NEW\nREVIEWED: REVIEWED\nREFERRED_TO_POLICE: REFERRED_TO_POLICE\nCLOSED: CLOSED', enum_type=IncidentStatus, max_length=24)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('description', fields.TextField(unique=False)),
                ('value_stolen_pence', fields.IntField(null=True)),
                ('police_reference', fields.CharField(null=True, max_length=40)),
                ('injury', fields.BooleanField(null=True)),
                ('vehicle_registration', fields.CharField(null=True, db_index=True, max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'incident', 'app': 'shopwatch', 'indexes': [Index(fields=['bid_id', 'occurred_at']), Index(fields=['shop_id', 'occurred_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Offender',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='offenders', on_delete=OnDelete.CASCADE)),
                ('display_name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=OffenderStatus.ACTIVE, description='ACTIVE: ACTIVE\nEXCLUDED: EXCLUDED\nARCHIVED: ARCHIVED', enum_type=OffenderStatus, max_length=10)),
                ('last_seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('shopwatch.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='offenders_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'offender', 'app': 'shopwatch', 'indexes': [Index(fields=['bid_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OffenderLink',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='offender_links', on_delete=OnDelete.CASCADE)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', db_constraint=True, to_field='id', related_name='incident_links', on_delete=OnDelete.CASCADE)),
                ('linked_by', fields.ForeignKeyField('shopwatch.User', source_field='linked_by_id', null=True, db_constraint=True, to_field='id', related_name='offender_links', on_delete=OnDelete.SET_NULL)),
                ('linked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'offender_link', 'app': 'shopwatch', 'unique_together': (('incident', 'offender'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Photo',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
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
            options={'table': 'photo', 'app': 'shopwatch', 'unique_together': (('incident', 'sha256'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
