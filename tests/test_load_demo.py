"""load_demo gives a fresh portal its users, groups, teams and the published seed, and on a later run
creates only what is missing: it never publishes over, drafts on, or rewrites what the portal holds."""
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blueprint.backup import export_all
from hiring.models import Opening
from hiring.selectors import candidate_summary
from kpis.models import Team
from roles.models import AuditEvent, BlueprintVersion, Role, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.importing import import_file
from roles.services.workflow import approve, submit_for_review

pytestmark = pytest.mark.django_db

SLUG = "junior-applied-ai-engineer"
FIXTURE = f"fixtures/blueprints/{SLUG}.json"
DEMO_USERS = {
    "hr": {"HR"}, "editor": {"HR", "Editors"}, "approver": {"HR", "Approvers"},
    "hiring": {"HR", "Hiring managers"}, "interviewer1": {"Interviewers"}, "interviewer2": {"Interviewers"},
    "manager": {"HR", "People managers"}, "admin": {"Admins"},
}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _publish_reviewed_v2(role: Role) -> BlueprintVersion:
    """What the demo editor and approver do on the pages: edit a draft, submit it, publish it."""
    editor, approver = User.objects.get(username="editor"), User.objects.get(username="approver")
    draft = open_or_start_draft(role=role, by=editor)
    doc = current_document(draft)
    doc["role"]["summary"] = "Reviewed by the approver: the summary the team agreed on."
    draft = save_draft(version=draft, document=doc, by=editor, revision=draft.revision)
    submit_for_review(version=draft, by=editor, note="Summary agreed with the team")
    return approve(version=draft, by=approver)


def _dump(directory: Path) -> dict[str, bytes]:
    """Every file export_all writes, but the manifest's own time of writing."""
    export_all(directory)
    files = {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
    manifest = files.pop("manifest.json").decode()
    files["manifest.json"] = "\n".join(line for line in manifest.splitlines() if '"created_at"' not in line).encode()
    return files


def test_load_demo_creates_users_teams_and_the_published_seed():
    out = _load_demo()
    assert f"blueprint {SLUG}: created (v1)" in out
    for username, groups in DEMO_USERS.items():
        user = authenticate(username=username, password="demo")
        assert user is not None, username
        assert set(user.groups.values_list("name", flat=True)) == groups
    assert User.objects.get(username="admin").is_superuser
    editor = User.objects.get(username="editor")
    assert list(editor.family_assignments.values_list("family", flat=True)) == ["Applied AI Engineering"]
    assert Team.objects.count() == 3 and Team.objects.get(name="Applied AI").manager.username == "manager"
    role = Role.objects.get(slug=SLUG)
    assert role.published_version.number == 1
    assert role.published_version.source_url.startswith("https://")
    assert role.published_version.kpis.count() == 19

    opening = Opening.objects.get()
    assert (opening.role, opening.version, opening.hiring_manager.username) == (role, role.published_version, "hiring")
    candidate = opening.candidates.get()
    summary = candidate_summary(candidate, user=opening.hiring_manager)
    assert [c.interviewer.username for c in summary.cards] == ["interviewer1", "interviewer2"]
    assert summary.weighted_score is not None and summary.tally["yes"] == summary.tally["strong_yes"] == 1


def test_the_audit_trail_names_the_fixture_file_that_was_loaded():
    _load_demo()
    notes = dict(AuditEvent.objects.filter(role__slug=SLUG).values_list("action", "note"))
    assert notes == {"version.created": f"Imported from {FIXTURE}", "version.published": f"Imported from {FIXTURE}"}
    assert (Path(__file__).resolve().parent.parent / FIXTURE).is_file()


def test_a_second_run_keeps_the_reviewed_v2_and_says_so():
    _load_demo()
    role = Role.objects.get(slug=SLUG)
    reviewed = _publish_reviewed_v2(role)
    events = AuditEvent.objects.count()

    out = _load_demo()

    assert f"blueprint {SLUG}: kept (published v2 exists)" in out
    role.refresh_from_db()
    assert role.published_version_id == reviewed.pk
    assert current_document(role.published_version)["role"]["summary"].startswith("Reviewed by the approver")
    assert list(role.versions.order_by("number").values_list("number", "status")) == [
        (1, VersionStatus.ARCHIVED), (2, VersionStatus.PUBLISHED)]
    assert AuditEvent.objects.count() == events


def test_a_second_run_leaves_a_draft_imported_from_the_reference_post_unpublished(seed_v1_path):
    """The issue's `published (v3)`: a draft with the fixture's very content was waiting for review."""
    _load_demo()
    role = Role.objects.get(slug=SLUG)
    _publish_reviewed_v2(role)
    editor = User.objects.get(username="editor")
    imported = import_file("reference-post.json", seed_v1_path.read_bytes(), by=editor)
    assert (imported.action, imported.version_number) == ("new_version", 3)

    out = _load_demo()

    assert f"blueprint {SLUG}: kept (published v2 exists)" in out
    role.refresh_from_db()
    assert role.published_version.number == 2
    draft = role.versions.get(number=3)
    assert (draft.status, draft.revision) == (VersionStatus.DRAFT, 1)
    assert not AuditEvent.objects.filter(version=draft, action="version.published").exists()


def test_a_second_run_writes_nothing_and_queues_nothing(tmp_path, django_capture_on_commit_callbacks):
    _load_demo()
    first = _dump(tmp_path / "first")

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as queued:
        out = _load_demo()

    assert f"blueprint {SLUG}: kept (published v1 exists)" in out
    assert "hiring demo already loaded" in out and "KPI demo already loaded" in out
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert queued == []
    second = _dump(tmp_path / "second")
    assert sorted(second) == sorted(first)
    assert [name for name in first if first[name] != second[name]] == []
