"""Rollups are derived bulk data: no database FK check or single-column index on metric; one index
to find the rows of a (metric, grain, period) group."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0002_rollupstate_metric_person_measurement_assignment_and_more'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rollup',
            name='metric',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='rollups', to='kpis.metric'),
        ),
        migrations.AddIndex(
            model_name='rollup',
            index=models.Index(fields=['metric', 'grain', 'period', 'scope', 'scope_id'], name='rollup_by_group'),
        ),
    ]
