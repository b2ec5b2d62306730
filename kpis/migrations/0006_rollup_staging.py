"""The scratch table a full rollup on PostgreSQL computes into when it works on several connections
at once (kpis.rollups.postgres.STAGING). Unlogged: its rows live for one run, and a crash empties it."""
from django.db import migrations

COLUMNS = """metric_id bigint NOT NULL, scope varchar NOT NULL, scope_id bigint NOT NULL, grain varchar NOT NULL,
    period date NOT NULL, count integer NOT NULL, mean double precision, min double precision,
    max double precision, median double precision, p95 double precision, latest double precision,
    on_target_share double precision, status varchar NOT NULL, trend double precision"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE UNLOGGED TABLE kpis_rollup_staging ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS kpis_rollup_staging")


class Migration(migrations.Migration):

    dependencies = [
        ("kpis", "0005_rollup_key_by_group"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
