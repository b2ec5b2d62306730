"""Operations: /healthz, request ids in responses and logs, and export_all → import_all round trips."""
import json
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from blueprint.backup import uncovered_models
from blueprint.logging import JsonFormatter, RequestIdFilter, request_id_var
from hiring.models import Candidate, DimensionRating, HiringDecision, Scorecard
from hiring.services.scorecards import record_decision
from kpis.models import Measurement, Metric
from roles.models import BlueprintVersion, Role, VersionStatus
from roles.services.drafts import current_document, discard_draft, open_or_start_draft, save_draft
from roles.services.workflow import approve, submit_for_review


# ---------- /healthz ----------

@pytest.mark.django_db
def test_healthz_is_ok_with_the_database_and_the_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_answers_503_naming_the_broker_and_logs_why(client, caplog):
    """The answer named the error, internal address included (`Error 111 connecting to 127.0.0.1:16379`),
    to anonymous callers: they get the status of each part only; the log gets the details."""
    with caplog.at_level(logging.ERROR, logger="blueprint.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
    assert "127.0.0.1" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "blueprint.health"]
    assert "broker" in record.getMessage() and "127.0.0.1:1" in record.getMessage()


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="filesystem://",
                   CELERY_BROKER_TRANSPORT_OPTIONS={"data_folder_in": "/nonexistent/broker"})
def test_healthz_shows_the_details_to_staff_only(client, personas):
    assert client.get("/healthz").json()["broker"] == "error"
    client.force_login(personas.hr)
    assert client.get("/healthz").json()["broker"] == "error"
    client.force_login(personas.admin)  # staff
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "broker folder /nonexistent/broker" in response.json()["broker"]


@pytest.mark.django_db
def test_healthz_needs_no_login_and_refuses_writes(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# ---------- request ids ----------

class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def captured_logs():
    handler = _Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_id_is_echoed_and_on_every_log_line_of_the_request(client, captured_logs):
    response = client.get("/api/v1/nowhere/", HTTP_X_REQUEST_ID="trace-abc.123")
    assert response.status_code in (401, 404)
    assert response["X-Request-ID"] == "trace-abc.123"
    mine = [r for r in captured_logs if r.request_id == "trace-abc.123"]
    assert mine, [(r.name, r.getMessage(), r.request_id) for r in captured_logs]  # django.request logs the 4xx
    assert request_id_var.get() == "-"  # nothing leaks into the next request


@pytest.mark.django_db
def test_a_request_id_is_generated_when_absent_or_unsafe(client, captured_logs):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" level=ERROR\nfake')["X-Request-ID"]
    assert "\n" not in forged and '"' not in forged and len(forged) == 32


def test_the_json_formatter_writes_one_object_with_the_request_id():
    record = logging.LogRecord("blueprint.test", logging.WARNING, __file__, 1, "saved %s", ("v2",), None)
    record.request_id = "req-1"
    record.role = "junior-applied-ai-engineer"
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "saved v2" and data["level"] == "WARNING" and data["request_id"] == "req-1"
    assert data["role"] == "junior-applied-ai-engineer" and "\n" not in line


def test_log_format_json_switches_the_console_formatter(monkeypatch):
    import importlib

    import blueprint.settings as settings_module

    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        reloaded = importlib.reload(settings_module)
    assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "plain"


# ---------- export_all / import_all ----------

def test_every_table_of_the_portal_is_in_backups():
    assert uncovered_models() == []


def _tree(directory: Path) -> dict[str, str]:
    files = {str(p.relative_to(directory)): p.read_text(encoding="utf-8")
             for p in sorted(directory.rglob("*")) if p.is_file()}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("created_at")
    files["manifest.json"] = json.dumps(manifest, sort_keys=True)
    return files


def _history(role: Role, editor: User, approver: User) -> None:
    """v1 archived, v2 published, v3 discarded (its number never reused), v4 an open draft."""
    draft = open_or_start_draft(role=role, by=editor)
    document = current_document(draft)
    document["role"]["summary"] += " Revised for the platform team."
    draft = save_draft(version=draft, document=document, by=editor, revision=draft.revision, note="summary")
    draft = submit_for_review(version=draft, by=editor, note="Clearer summary")
    approve(version=draft, by=approver, note="Looks right")
    discard_draft(version=open_or_start_draft(role=role, by=editor), by=editor)
    draft = open_or_start_draft(role=role, by=editor)
    document = current_document(draft)
    document["role"]["horizon"] = "18 months"
    save_draft(version=draft, document=document, by=editor, revision=draft.revision, note="horizon")


@pytest.mark.django_db(transaction=True)
def test_export_all_then_import_all_into_an_empty_database_gives_the_same_portal(tmp_path):
    call_command("load_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.all()}
    role = Role.objects.get(slug="junior-applied-ai-engineer")
    _history(role, users["editor"], users["approver"])
    metric = Metric.objects.filter(role=role).order_by("position").first()
    Metric.objects.filter(pk=metric.pk).update(rule_kind="between", rule_low=2.0, rule_high=5.0, rule_unit="days",
                                               rule_corrected=True)
    record_decision(candidate=Candidate.objects.get(), by=users["hiring"], decision="hire", reason="Strong panel")
    # A time a few microseconds past the second: cut to milliseconds it would come back as a whole second.
    exact = Measurement.objects.order_by("pk").first()
    exact_at = exact.recorded_at.replace(microsecond=123)
    Measurement.objects.filter(pk=exact.pk).update(recorded_at=exact_at)

    assert sorted(BlueprintVersion.objects.filter(role=role).values_list("number", "status")) == [
        (1, VersionStatus.ARCHIVED), (2, VersionStatus.PUBLISHED), (4, VersionStatus.DRAFT)]
    before = {
        "measurements": Measurement.objects.count(), "ratings": DimensionRating.objects.count(),
        "scorecards": Scorecard.objects.count(), "decisions": HiringDecision.objects.count(),
    }
    assert all(before.values()), before

    call_command("export_all", str(tmp_path / "first"), stdout=StringIO())
    first = _tree(tmp_path / "first")
    assert {"blueprints/junior-applied-ai-engineer/v1.json", "blueprints/junior-applied-ai-engineer/v2.json",
            "blueprints/junior-applied-ai-engineer/v4.json", "blueprints/junior-applied-ai-engineer/versions.json",
            "data/auth.user.json", "data/kpis.measurement.json", "data/hiring.dimensionrating.json"} <= set(first)
    assert json.loads(first["blueprints/junior-applied-ai-engineer/v1.json"])["format"]

    with pytest.raises(CommandError, match="empty"):
        call_command("import_all", str(tmp_path / "first"), stdout=StringIO())

    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert not Role.objects.exists() and not User.objects.exists()
    call_command("import_all", str(tmp_path / "first"), stdout=StringIO())

    call_command("export_all", str(tmp_path / "second"), stdout=StringIO())
    second = _tree(tmp_path / "second")
    assert second.keys() == first.keys()
    for name in first:
        assert second[name] == first[name], name

    role = Role.objects.get(slug="junior-applied-ai-engineer")
    assert role.published_version.number == 2 and role.last_version_number == 4
    assert Metric.objects.get(role=role, key=metric.key).rule_corrected
    assert Measurement.objects.filter(recorded_at=exact_at).count() == 1
    assert User.objects.get(username="admin").check_password("demo")
    assert before == {
        "measurements": Measurement.objects.count(), "ratings": DimensionRating.objects.count(),
        "scorecards": Scorecard.objects.count(), "decisions": HiringDecision.objects.count(),
    }
    # The id sequences moved past the restored rows: new rows can be written.
    record_decision(candidate=Candidate.objects.get(), by=User.objects.get(username="hiring"), decision="no_hire",
                    reason="Changed our mind")
    open_or_start_draft(role=role, by=User.objects.get(username="editor"))


@pytest.mark.django_db
def test_export_all_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_all", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_import_all_refuses_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match="manifest"):
        call_command("import_all", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_import_all_checks_every_measurement_and_names_the_bad_one(tmp_path, personas):
    from .kpis.test_rollups import World

    World(personas.admin).load()
    call_command("export_all", str(tmp_path / "backup"), stdout=StringIO())
    path = tmp_path / "backup" / "data" / "kpis.measurement.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    rows[3]["fields"]["person"] = 999_999
    path.write_text(json.dumps(rows), encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)

    with pytest.raises(CommandError, match="kpis.measurement.json: 1 problem in the measurements: row 3 person: "
                                           "no person with id 999999"):
        call_command("import_all", str(tmp_path / "backup"), stdout=StringIO())
    assert not Role.objects.exists() and not Measurement.objects.exists()  # nothing half-written
