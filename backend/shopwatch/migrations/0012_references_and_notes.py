from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint
from shopwatch.incidents.references import number_existing


async def number_incidents(apps, schema_editor):
    # Every incident already stored gets its reference, in reported order per BID and year.
    await number_existing(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0011_cases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IncidentNumber',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bid', fields.ForeignKeyField('shopwatch.Bid', source_field='bid_id', db_constraint=True, to_field='id', related_name='incident_numbers', on_delete=OnDelete.CASCADE)),
                ('year', fields.IntField()),
                ('last_number', fields.IntField()),
            ],
            options={'table': 'incident_number', 'app': 'shopwatch', 'unique_together': (('bid', 'year'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Alert',
            name='acknowledgement_note',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Incident',
            name='reference',
            field=fields.CharField(db_default='', max_length=24),
        ),
        ops.RunPython(number_incidents, ops.RunPython.noop),
        ops.AddConstraint(
            model_name='Incident',
            constraint=UniqueConstraint(fields=('bid', 'reference'), name=None),
        ),
    ]
