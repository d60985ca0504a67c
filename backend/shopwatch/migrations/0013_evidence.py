from tortoise import migrations
from tortoise.migrations import operations as ops
from shopwatch.evidence.models import PoliceCaseState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0012_references_and_notes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BusinessImpactStatement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('shopwatch.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='impact_statements', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('author_name', fields.CharField(max_length=200)),
                ('position', fields.CharField(max_length=200)),
                ('recorded_by', fields.ForeignKeyField('shopwatch.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='impact_statements_recorded', on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'business_impact_statement', 'app': 'shopwatch', 'indexes': [Index(fields=['shop_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PoliceCaseUpdate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='police_case_updates', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(description='REPORTED: REPORTED\nCRIME_NUMBER_ISSUED: CRIME_NUMBER_ISSUED\nEVIDENCE_REQUESTED: EVIDENCE_REQUESTED\nEVIDENCE_SENT: EVIDENCE_SENT\nSUSPECT_CHARGED: SUSPECT_CHARGED\nNO_FURTHER_ACTION: NO_FURTHER_ACTION', enum_type=PoliceCaseState, max_length=24)),
                ('note', fields.TextField(default='', unique=False)),
                ('crime_reference', fields.CharField(null=True, max_length=40)),
                ('by_user', fields.ForeignKeyField('shopwatch.User', source_field='by_user_id', null=True, db_constraint=True, to_field='id', related_name='police_case_updates', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'police_case_update', 'app': 'shopwatch', 'indexes': [Index(fields=['incident_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PropertyLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='property_lines', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('description', fields.CharField(max_length=200)),
                ('quantity', fields.IntField()),
                ('unit_price_pence', fields.IntField()),
                ('recovered', fields.BooleanField(default=False)),
            ],
            options={'table': 'property_line', 'app': 'shopwatch', 'indexes': [Index(fields=['incident_id', 'position'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WitnessStatement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='witness_statements', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('replaces', fields.ForeignKeyField('shopwatch.WitnessStatement', source_field='replaces_id', null=True, db_constraint=True, to_field='id', related_name='replaced_by', on_delete=OnDelete.CASCADE)),
                ('witness_user', fields.ForeignKeyField('shopwatch.User', source_field='witness_user_id', null=True, db_constraint=True, to_field='id', related_name='witness_statements', on_delete=OnDelete.SET_NULL)),
                ('taken_by', fields.ForeignKeyField('shopwatch.User', source_field='taken_by_id', null=True, db_constraint=True, to_field='id', related_name='witness_statements_taken', on_delete=OnDelete.SET_NULL)),
                ('witness_name', fields.CharField(max_length=200)),
                ('occupation', fields.CharField(max_length=200)),
                ('over_18', fields.BooleanField()),
                ('text', fields.TextField(unique=False)),
                ('signed_name', fields.CharField(max_length=200)),
                ('signed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('signature_png', fields.BinaryField()),
                ('sha256', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'witness_statement', 'app': 'shopwatch', 'indexes': [Index(fields=['incident_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Exhibit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('shopwatch.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='exhibits', on_delete=OnDelete.CASCADE)),
                ('photo', fields.OneToOneField('shopwatch.Photo', source_field='photo_id', db_constraint=True, to_field='id', related_name='exhibit', on_delete=OnDelete.CASCADE)),
                ('statement', fields.ForeignKeyField('shopwatch.WitnessStatement', source_field='statement_id', db_constraint=True, to_field='id', related_name='exhibits', on_delete=OnDelete.CASCADE)),
                ('reference', fields.CharField(max_length=24)),
            ],
            options={'table': 'exhibit', 'app': 'shopwatch', 'unique_together': (('incident', 'reference'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Bid',
            name='staff_may_refer_to_police',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
