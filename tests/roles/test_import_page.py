"""/import/: upload, preview (dry run, writes nothing), confirm (writes), per-file failures, access."""
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import StagedUpload
from roles.blueprint_format.synthetic import make_document
from roles.models import AuditEvent, Role, VersionStatus

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="token" value="([A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def uploads_dir(uploads_storage):
    return uploads_storage


def staged_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    return client


def blueprint_file(title: str, name: str | None = None, **kwargs) -> SimpleUploadedFile:
    doc = make_document(title, **kwargs)
    return SimpleUploadedFile(name or f"{title.lower().replace(' ', '-')}.json", json.dumps(doc).encode(),
                              content_type="application/json")


def preview(client, *files, publish=False):
    data = {"action": "preview", "files": list(files)}
    if publish:
        data["publish"] = "on"
    response = client.post("/import/", data)
    assert response.status_code == 200
    return response


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def tokens_of(response) -> list[str]:
    return TOKEN.findall(response.content.decode())


def test_form_takes_several_files_of_the_supported_kinds(admin):
    html = admin.get("/import/").content.decode()
    assert 'type="file"' in html and "multiple" in html
    assert 'accept=".json,.yaml,.yml,.html,.htm,.md,.markdown"' in html
    assert 'name="publish"' in html and "Publish after import" in html
    assert 'enctype="multipart/form-data"' in html


def test_preview_shows_what_would_happen_and_writes_nothing(admin, uploads_dir):
    response = preview(admin, blueprint_file("Harbor Pilot"), blueprint_file("Lighthouse Keeper"))
    html = response.content.decode()
    assert Role.objects.count() == 0 and AuditEvent.objects.count() == 0
    assert html.count("Would create the role") == 2
    assert "harbor-pilot" in html and "Lighthouse Keeper" in html
    assert "20 responsibilities · 22 activities" in html and "19 KPIs" in html and "8 scorecard dimensions" in html
    assert "2 of 2 files" in html and '<progress value="2" max="2">' in html
    assert "Confirm import of 2 files" in html
    staged = StagedUpload.objects.order_by("name")
    assert sorted(tokens_of(response)) == sorted(s.token for s in staged)
    assert [(s.name, s.kind, s.meta) for s in staged] == [
        ("harbor-pilot.json", "roles.import", {"publish": False}),
        ("lighthouse-keeper.json", "roles.import", {"publish": False})]
    assert len(staged_files(uploads_dir)) == 2
    assert "import" not in " ".join(admin.session.keys())  # the rows and the storage are the only state


def test_confirm_imports_the_previewed_files_and_removes_them(admin, personas, uploads_dir):
    tokens = tokens_of(preview(admin, blueprint_file("Harbor Pilot"), blueprint_file("Lighthouse Keeper"),
                               publish=True))
    response = admin.post("/import/", {"action": "confirm", "token": tokens}, follow=True)
    html = response.content.decode()
    assert "Imported 2 of 2 files." in html
    assert html.count("Created and published") == 2
    roles = Role.objects.order_by("slug")
    assert [r.slug for r in roles] == ["harbor-pilot", "lighthouse-keeper"]
    assert all(r.published_version.status == VersionStatus.PUBLISHED for r in roles)
    assert roles[0].published_version.published_by == personas.admin
    assert not StagedUpload.objects.exists() and staged_files(uploads_dir) == []
    again = admin.post("/import/", {"action": "confirm", "token": tokens}, follow=True)
    assert "has expired or was already imported" in again.content.decode()
    assert Role.objects.count() == 2


def test_without_publish_the_import_creates_drafts(admin):
    token = token_of(preview(admin, blueprint_file("Harbor Pilot")))
    admin.post("/import/", {"action": "confirm", "token": token})
    role = Role.objects.get()
    assert role.published_version is None
    assert role.versions.get().status == VersionStatus.DRAFT


def test_a_bad_file_is_reported_and_written_nowhere_while_the_others_go_ahead(admin, uploads_dir):
    bad_json = SimpleUploadedFile("broken.json", b'{"format": "role-blueprint/v1", ', content_type="application/json")
    doc = make_document("Wizard")
    doc["role"]["level"] = "wizard"
    bad_level = SimpleUploadedFile("wizard.json", json.dumps(doc).encode())
    response = preview(admin, bad_json, blueprint_file("Harbor Pilot"), bad_level)
    html = response.content.decode()
    assert "broken.json" in html and "JSON:</span> invalid at line 1" in html
    assert "role.level:</span> &#x27;wizard&#x27; is not one of" in html
    assert html.count('class="row--failed"') == 2
    assert "1 ready" in html and "2 failed" in html
    assert Role.objects.count() == 0
    response = admin.post("/import/", {"action": "confirm", "token": tokens_of(response)}, follow=True)
    html = response.content.decode()
    assert "Imported 1 of 3 files; 2 failed and wrote nothing." in html
    assert list(Role.objects.values_list("slug", flat=True)) == ["harbor-pilot"]
    assert not StagedUpload.objects.exists() and staged_files(uploads_dir) == []  # the failed ones too


def test_a_preview_where_every_file_failed_keeps_nothing(admin, uploads_dir):
    broken = SimpleUploadedFile("broken.json", b'{"format": ', content_type="application/json")
    html = preview(admin, broken).content.decode()
    assert "1 failed" in html and 'name="token"' not in html
    assert not StagedUpload.objects.exists() and staged_files(uploads_dir) == []


def test_files_over_the_size_limit_get_a_clear_message(admin, settings, uploads_dir):
    settings.BLUEPRINT_MAX_UPLOAD_BYTES = 2_000
    response = preview(admin, blueprint_file("Harbor Pilot"))
    html = response.content.decode()
    assert "the limit is" in html and "MB per file" in html
    assert Role.objects.count() == 0
    assert staged_files(uploads_dir) == []


def test_unchanged_files_are_reported_as_such(admin):
    token = token_of(preview(admin, blueprint_file("Harbor Pilot"), publish=True))
    admin.post("/import/", {"action": "confirm", "token": token})
    html = preview(admin, blueprint_file("Harbor Pilot"), publish=True).content.decode()
    assert "Unchanged" in html


def test_cancel_forgets_the_upload(admin, uploads_dir):
    tokens = tokens_of(preview(admin, blueprint_file("Harbor Pilot"), blueprint_file("Lighthouse Keeper")))
    response = admin.post("/import/", {"action": "cancel", "token": tokens}, follow=True)
    assert "Import cancelled; nothing was written." in response.content.decode()
    assert not StagedUpload.objects.exists() and staged_files(uploads_dir) == []
    assert Role.objects.count() == 0


def test_the_same_admin_may_confirm_from_another_session_or_machine(admin, personas):
    from django.test import Client

    token = token_of(preview(admin, blueprint_file("Harbor Pilot")))
    elsewhere = Client()
    elsewhere.force_login(personas.admin)  # nothing lives in the session that uploaded
    response = elsewhere.post("/import/", {"action": "confirm", "token": token}, follow=True)
    assert "Imported 1 of 1 files." in response.content.decode()
    assert Role.objects.count() == 1


def test_a_token_of_another_user_or_a_forged_one_is_refused(admin, personas, uploads_dir, django_user_model):
    from django.test import Client

    token = token_of(preview(admin, blueprint_file("Harbor Pilot")))
    other_admin = django_user_model.objects.create_superuser("admin2", "admin2@example.com", "demo")
    other = Client()
    other.force_login(other_admin)
    for forged in (token, "../../etc/passwd", f"{token}/../x", token.upper().replace("-", "")[:-1] + "0"):
        response = other.post("/import/", {"action": "confirm", "token": forged}, follow=True)
        assert "has expired or was already imported" in response.content.decode()
        other.post("/import/", {"action": "cancel", "token": forged})
    assert Role.objects.count() == 0
    assert StagedUpload.objects.filter(pk=token).exists() and len(staged_files(uploads_dir)) == 1


def test_submitting_no_file_explains_what_to_do(admin):
    response = admin.post("/import/", {"action": "preview"})
    html = response.content.decode()
    assert "Choose at least one file to import." in html
    assert "Please correct the problem below." in html


def test_people_who_cannot_import_get_a_403_page(client, personas):
    for persona in (personas.hr, personas.editor, personas.approver, personas.outsider):
        client.force_login(persona)
        response = client.get("/import/")
        assert response.status_code == 403
        assert "You don’t have access to this page" in response.content.decode()
        response = client.post("/import/", {"action": "preview", "files": [blueprint_file("Harbor Pilot")]})
        assert response.status_code == 403
    assert Role.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/import/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/import/"
