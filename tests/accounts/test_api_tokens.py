"""API tokens: hashed at rest (the key is shown once and is in no table), with an expiry, last use, and a
page where their owner lists, creates and revokes them. They were stored in plain text and never expired."""
import importlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import digest_of, issue_token
from tests.personas import sign_in

pytestmark = pytest.mark.django_db
KEY = re.compile(r'id="new-key"[^>]*>([^<]+)<')
SHOWN = 9  # characters of a key kept to tell tokens apart


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _create_on_the_page(client, name: str) -> str:
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return KEY.search(response.content.decode()).group(1)


def test_a_token_created_on_the_page_works_and_its_key_is_in_no_table(client, personas):
    sign_in(client, personas.hr)
    key = _create_on_the_page(client, "Nightly export")
    assert _api(key).get("/api/v1/roles/").status_code == 200

    dump = StringIO()
    call_command("dumpdata", stdout=dump)  # every table of every app, sessions included
    assert key not in dump.getvalue() and key[SHOWN:] not in dump.getvalue()
    token = ApiToken.objects.get()
    assert token.digest == digest_of(key) and token.prefix == key[:SHOWN]
    assert token.last_used_at is not None and token.user == personas.hr

    page = client.get("/account/tokens/").content.decode()
    assert "Nightly export" in page and key not in page  # listed, never shown again


def test_the_page_lists_created_expiry_and_last_use(client, personas, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token, key = issue_token(user=personas.hr, name="Sync job")
    assert token.expires_at - token.created_at == timedelta(days=30)
    sign_in(client, personas.hr)
    page = client.get("/account/tokens/").content.decode()
    assert "Sync job" in page and f"{token.prefix}…" in page and "never" in page
    assert f'{token.expires_at:%-d %b %Y}' in page and "Active" in page
    assert 'href="/account/tokens/"' in page  # the user menu links the page


def test_an_expired_token_is_refused_with_a_message(personas):
    token, key = issue_token(user=personas.hr, name="Old", now=timezone.now() - timedelta(days=91))
    response = _api(key).get("/api/v1/roles/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_revoked_token_is_refused_from_the_next_request(client, personas):
    token, key = issue_token(user=personas.hr, name="Leaked")
    assert _api(key).get("/api/v1/roles/").status_code == 200
    sign_in(client, personas.hr)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    response = _api(key).get("/api/v1/roles/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert "Revoked" in client.get("/account/tokens/").content.decode()


def test_nobody_revokes_or_sees_another_users_token(client, personas):
    token, key = issue_token(user=personas.hr, name="Private name")
    sign_in(client, personas.editor)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert "Private name" not in client.get("/account/tokens/").content.decode()
    assert _api(key).get("/api/v1/roles/").status_code == 200


def test_an_unknown_key_and_a_name_with_a_line_break_are_refused(client, personas):
    assert _api("bp_not-a-key").get("/api/v1/roles/").json()["detail"] == "Invalid token."
    sign_in(client, personas.hr)
    response = client.post("/account/tokens/", {"name": "two\nlines"})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_the_command_prints_a_working_key(personas):
    out = StringIO()
    call_command("create_api_token", "hr", "--name", "CI", stdout=out, stderr=StringIO())
    assert _api(out.getvalue().strip()).get("/api/v1/roles/").status_code == 200


class _Editor:
    """What the migration uses of a schema editor (SQLite allows no real one inside a test's transaction)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_plain_tokens_of_before_are_hashed_and_their_table_dropped(personas):
    """The data migration: a database that has DRF's authtoken_token keeps its tokens working, hashed."""
    migration = importlib.import_module("accounts.migrations.0002_hash_plain_tokens")
    plain = "0123456789abcdef0123456789abcdef01234567"
    editor = _Editor()
    created = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    editor.execute(f'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, created {created}, user_id integer)')
    editor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [plain, timezone.now(), personas.hr.pk])
    migration.hash_plain_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.digest == digest_of(plain) and plain not in (token.name, token.prefix)
    assert _api(plain).get("/api/v1/roles/").status_code == 200
