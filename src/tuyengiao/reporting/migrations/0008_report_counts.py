import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """Count the reports already there (a bulk load or an existing database)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from tuyengiao.reporting import report_counts

    report_counts.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_staff_position_label'),
        ('reporting', '0007_lean_value_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportCount',
            fields=[
                ('pk', models.CompositePrimaryKey('dataset', 'period', 'unit', 'kind', blank=True, editable=False, primary_key=True, serialize=False)),
                ('period', models.CharField(max_length=8)),
                ('kind', models.CharField(max_length=20)),
                ('sent', models.IntegerField()),
                ('on_time', models.IntegerField()),
                ('approved', models.IntegerField()),
                ('dataset', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reporting.dataset')),
                ('unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.unit')),
            ],
            options={
                'verbose_name': 'report count',
                'verbose_name_plural': 'report counts',
            },
        ),
        migrations.CreateModel(
            name='ReportCountBasis',
            fields=[
                ('pk', models.CompositePrimaryKey('dataset', 'period', blank=True, editable=False, primary_key=True, serialize=False)),
                ('period', models.CharField(max_length=8)),
                ('cutoff', models.DateTimeField()),
                ('dataset', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reporting.dataset')),
            ],
            options={
                'verbose_name': 'report count basis',
                'verbose_name_plural': 'report count bases',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
