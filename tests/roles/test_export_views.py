"""Exports of a role as format-v1 JSON or YAML, or Markdown, as file downloads."""
import json

import pytest
import yaml

from roles.blueprint_format import read_document
from roles.blueprint_format.synthetic import make_document
from roles.selectors import versions_with_content
from roles.services.importing import import_document
from tests.roles.factories import draft_role, published_role
from ..personas import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def stored_document(role, number=None):
    versions = versions_with_content().filter(role=role)
    version = versions.get(number=number) if number else versions.get(pk=role.published_version_id)
    return read_document(version)


def test_json_export_is_a_download_that_parses_back_to_the_stored_document(reader):
    role = published_role("Export Engineer")
    response = reader.get(f"/roles/{role.slug}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-engineer-v1.json"'
    assert json.loads(response.content.decode("utf-8")) == stored_document(role)


def test_yaml_export_parses_back_to_the_stored_document(reader):
    role = published_role("Export Engineer")
    response = reader.get(f"/roles/{role.slug}/export.yaml")
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-engineer-v1.yaml"'
    assert yaml.safe_load(response.content.decode("utf-8")) == stored_document(role)


def test_markdown_export_is_the_readable_template(reader):
    role = published_role("Export Engineer")
    response = reader.get(f"/roles/{role.slug}/export.md")
    text = response.content.decode("utf-8")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-engineer-v1.md"'
    assert text.startswith("# Export Engineer\n")
    assert "## 7) KPIs and Productivity Metrics" in text and "| KPI 19 |" in text


def test_unicode_survives_the_export(reader):
    doc = make_document("Export Engineer")
    doc["kpis"][0]["target"] = "p95 < 300–800ms · ≥ 99.9 %"
    import_document(doc, file="e.json", publish=True)
    response = reader.get("/roles/export-engineer/export.json")
    assert json.loads(response.content.decode("utf-8"))["kpis"][0]["target"] == "p95 < 300–800ms · ≥ 99.9 %"


def test_version_parameter_exports_an_earlier_published_version(reader):
    role = published_role("Export Engineer", seed=0)
    import_document(make_document("Export Engineer", seed=1), file="v2.json", publish=True)
    role.refresh_from_db()
    latest = reader.get(f"/roles/{role.slug}/export.json")
    assert latest["Content-Disposition"] == 'attachment; filename="export-engineer-v2.json"'
    older = reader.get(f"/roles/{role.slug}/export.json", {"version": 1})
    assert older["Content-Disposition"] == 'attachment; filename="export-engineer-v1.json"'
    assert json.loads(older.content) == stored_document(role, number=1)
    assert json.loads(older.content) != json.loads(latest.content)


def test_drafts_are_exported_only_to_those_who_may_see_them(client, personas):
    role = draft_role("Draft Engineer")
    client.force_login(personas.hr)
    assert client.get(f"/roles/{role.slug}/export.json").status_code == 404
    assert client.get(f"/roles/{role.slug}/export.json", {"version": 1}).status_code == 404
    for persona in (personas.approver, personas.admin):
        client.force_login(persona)
        response = client.get(f"/roles/{role.slug}/export.json", {"version": 1})
        assert response.status_code == 200
        assert json.loads(response.content) == stored_document(role, number=1)


def test_signed_in_users_in_no_group_cannot_export(client, personas):
    role = published_role("Export Engineer")
    client.force_login(personas.outsider)
    assert client.get(f"/roles/{role.slug}/export.json").status_code == 403


@pytest.mark.parametrize("url", [
    "/roles/no-such-role/export.json",
    "/roles/export-engineer/export.json?version=7",
    "/roles/export-engineer/export.json?version=one",
])
def test_unknown_roles_and_versions_are_404(reader, url):
    published_role("Export Engineer")
    assert reader.get(url).status_code == 404


def test_unknown_formats_do_not_resolve(reader):
    published_role("Export Engineer")
    assert reader.get("/roles/export-engineer/export.xml").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/roles/export-engineer/export.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
