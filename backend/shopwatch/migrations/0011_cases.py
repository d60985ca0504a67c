from tortoise import migrations
from tortoise.migrations import operations as ops
from shopwatch.incidents.models import IncidentStatus
from shopwatch.offenders.models import OffenderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0010_people_and_places')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DismissedSuggestion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='dismissed_suggestions', on_delete=OnDelete.CASCADE)),
                ('offender', fields.ForeignKeyField('shopwatch.Offender', source_field='offender_id', db_constraint=True, to_field='id', related_name='dismissed_suggestions', on_delete=OnDelete.CASCADE)),
                ('dismissed_by', fields.ForeignKeyField('shopwatch.User', source_field='dismissed_by_id', null=True, db_constraint=True, to_field='id', related_name='suggestions_dismissed', on_delete=OnDelete.SET_NULL)),
                ('dismissed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dismissed_suggestion', 'app': 'shopwatch', 'unique_together': (('incident', 'offender'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IncidentStatusChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='status_changes', on_delete=OnDelete.CASCADE)),
                ('previous_status', fields.CharEnumField(description='NEW: NEW\nREVIEWED: REVIEWED\nREFERRED_TO_POLICE: REFERRED_TO_POLICE\nCLOSED: CLOSED', enum_type=IncidentStatus, max_length=24)),
                ('status', fields.CharEnumField(description='NEW: NEW\nREVIEWED: REVIEWED\nREFERRED_TO_POLICE: REFERRED_TO_POLICE\nCLOSED: CLOSED', enum_type=IncidentStatus, max_length=24)),
                ('note', fields.TextField(default='', unique=False)),
                ('changed_by', fields.ForeignKeyField('shopwatch.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name='incident_status_changes', on_delete=OnDelete.SET_NULL)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'incident_status_change', 'app': 'shopwatch', 'indexes': [Index(fields=['incident_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Exclusion',
            name='end_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Exclusion',
            name='ended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='Offender',
            name='status',
            field=fields.CharEnumField(default=OffenderStatus.ACTIVE, description='ACTIVE: ACTIVE\nEXCLUDED: EXCLUDED\nARCHIVED: ARCHIVED\nID_SOUGHT: ID_SOUGHT', enum_type=OffenderStatus, max_length=10),
        ),
    ]
