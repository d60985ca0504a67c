from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopwatch', '0005_offender_link_by_offender')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_user_id', fields.BigIntField(null=True)),
                ('actor', fields.CharField(max_length=320)),
                ('action', fields.CharField(max_length=60)),
                ('subject', fields.CharField(max_length=120)),
                ('detail', fields.TextField(unique=False)),
                ('address', fields.CharField(max_length=64)),
                ('previous_hash', fields.CharField(max_length=64)),
                ('entry_hash', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'shopwatch', 'indexes': [Index(fields=['subject', 'at']), Index(fields=['actor_user_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
