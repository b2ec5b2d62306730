"""Tokens of DRF's authtoken app (plain keys in authtoken_token, no expiry) become hashed ApiTokens, and
that table goes: the portal no longer installs the app, and no key may stay readable in the database.

Their keys keep working (`Authorization: Token <key>` is checked against the SHA-256 digest); each
gets API_TOKEN_TTL_DAYS from the migration on, so that no integration stops on the day of the upgrade.
"""
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLAIN_TABLE = "authtoken_token"


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN_TABLE not in connection.introspection.table_names():
        return  # a database created after the change never had it
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, user_id, created FROM {quote(PLAIN_TABLE)}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create([
        ApiToken(user_id=user_id, name="Token from before hashing", digest=hashlib.sha256(key.encode()).hexdigest(),
                 prefix=key[:6], created_at=created, expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS))
        for key, user_id, created in rows])
    schema_editor.execute(f"DROP TABLE {quote(PLAIN_TABLE)}")
    # Were the app installed again, its migrations would create the table anew.
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
