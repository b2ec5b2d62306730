"""The import_blueprints command: dry runs, re-imports, new drafts, publishing, progress, reports."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roles.blueprint_format.synthetic import make_document
from roles.models import AuditEvent, BlueprintVersion, Role, VersionStatus

pytestmark = pytest.mark.django_db


def _write(path, doc):
    path.write_text(json.dumps(doc))
    return str(path)


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_blueprints", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path):
    path = _write(tmp_path / "role.json", make_document("Dry Run Engineer"))
    out, _ = _run(path, "--dry-run")
    assert "dry-run-engineer v1: would be created" in out
    assert "20 responsibilities" in out and "19 kpis" in out
    assert "dry run, nothing written" in out
    assert not Role.objects.exists() and not BlueprintVersion.objects.exists()


def test_reimporting_an_unchanged_source_changes_nothing(tmp_path):
    path = _write(tmp_path / "role.json", make_document("Stable Engineer"))
    _run(path, "--publish")
    version = BlueprintVersion.objects.get()
    events = AuditEvent.objects.count()
    out, _ = _run(path, "--publish")
    assert "stable-engineer v1: unchanged" in out
    assert list(BlueprintVersion.objects.values_list("pk", "status", "revision", "updated_at")) == [
        (version.pk, VersionStatus.PUBLISHED, version.revision, version.updated_at)]
    assert AuditEvent.objects.count() == events


def test_changed_content_creates_a_new_draft_and_keeps_the_published_version(tmp_path):
    doc = make_document("Changing Engineer")
    path = tmp_path / "role.json"
    _run(_write(path, doc), "--publish")
    doc["kpis"][0]["target"] = "Below 5%"
    out, _ = _run(_write(path, doc))
    assert "changing-engineer v2: new version" in out
    role = Role.objects.get()
    assert role.published_version.number == 1
    assert role.published_version.kpis.first().target == "60–90% of tasks"
    draft = role.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT and draft.kpis.first().target == "Below 5%"

    doc["kpis"][0]["target"] = "Below 3%"
    out, _ = _run(_write(path, doc))
    assert "changing-engineer v2: updated draft" in out
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.kpis.first().target == "Below 3%"

    out, _ = _run(str(path), "--publish")
    assert "changing-engineer v2: published" in out
    role.refresh_from_db()
    assert role.published_version.number == 2
    assert role.versions.get(number=1).status == VersionStatus.ARCHIVED
    assert list(AuditEvent.objects.filter(role=role).values_list("action", flat=True).order_by("id")) == [
        "version.created", "version.published", "version.created", "version.replaced", "version.published"]


def test_a_directory_imports_every_file_with_a_progress_bar(tmp_path):
    for i in range(3):
        _write(tmp_path / f"role-{i}.json", make_document(f"Directory Engineer {i}"))
    (tmp_path / ".hidden.json").write_text("not read")
    out, err = _run(str(tmp_path), "--publish")
    assert "3 imported (3 changed, 0 unchanged), 0 failed" in out
    assert "3/3" in err  # tqdm's progress bar
    assert Role.objects.filter(published_version__isnull=False).count() == 3


def test_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="nowhere.json: no such file or directory"):
        _run("nowhere.json")


def test_search_text_lists_skills_tools_and_kpis_of_the_published_version(tmp_path):
    _run(_write(tmp_path / "role.json", make_document("Searchable Engineer")), "--publish")
    text = Role.objects.get().search_text
    assert "searchable engineer" in text and "python 0" in text and "pytorch 0" in text and "kpi 19" in text
