"""Create the permission groups, and a trigram index for catalog search on PostgreSQL."""
from django.db import migrations

GROUPS = ("HR", "Editors", "Approvers", "Hiring managers", "Interviewers", "People managers", "Admins")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; it is the single-user demo database
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS roles_role_search_trgm ON roles_role USING gin (search_text gin_trgm_ops)"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS roles_role_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
