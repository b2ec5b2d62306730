"""Recording measurements by the form and by CSV upload: preview first, row-level errors in words, all or
nothing on confirm, and the incremental rollup queued once the write commits."""
from datetime import timedelta

import pytest
from django.utils import timezone

from common.models import StagedUpload
from kpis.csv_parse import MAX_BYTES, parse_csv
from kpis.models import Measurement, Rollup, RollupQueue, Source
from kpis.resolve import resolve_csv
from kpis.selectors import start_of

from ..personas import sign_in
from .test_kpi_permissions import make_world, people_manager

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = start_of(TODAY, "week")


@pytest.fixture(autouse=True)
def staged_folder(uploads_storage):
    """Uploads wait between preview and confirm in the uploads storage; keep the tests' files apart."""
    return uploads_storage


def _staged_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def world(personas):
    return make_world(personas.manager)


@pytest.fixture
def manager(client, personas, world):
    sign_in(client, personas.manager)
    return personas.manager


def read_csv(data: bytes, *, by, role):
    return resolve_csv(parse_csv(data), by=by, role=role)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _good(world, n: int = 3) -> bytes:
    metric = world.metrics[0]
    lines = ["metric,email,team,date,value,note"]
    for i in range(n):
        lines.append(f"{metric.name},{world.people[i].email},,{TODAY:%Y-%m-%d},{70 + i},week {i}")
    return _csv(*lines)


def _upload(client, world, data: bytes, name: str = "kpis.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/kpis/upload/", {"action": "preview", "role": world.role.pk,
                                         "file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _token(response) -> str:
    html = response.content.decode()
    start = html.index('name="token" value="') + len('name="token" value="')
    return html[start:html.index('"', start)]


# ---------- the form ----------

def test_the_form_records_one_value_and_queues_the_rollup(client, manager, world, django_capture_on_commit_callbacks,
                                                          tasks_run_in_process):
    metric, person = world.metrics[0], world.people[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kpis/record/", {"metric": metric.pk, "person": person.pk,
                                                 "date": TODAY.isoformat(), "value": "82.5", "note": "ok"})
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.metric, m.person, m.period, m.value, m.source) == (metric, person, MONDAY, 82.5, Source.FORM)
    assert Rollup.objects.get(metric=metric, scope="person", scope_id=person.pk, grain="week").mean == 82.5
    # The same KPI, person and period again replaces the value instead of adding a second one.
    client.post("/kpis/record/", {"metric": metric.pk, "person": person.pk, "date": MONDAY.isoformat(),
                                  "value": "90"})
    assert Measurement.objects.get().value == 90


def test_the_form_explains_what_is_wrong(client, manager, world):
    metric = world.metrics[0]
    response = client.post("/kpis/record/", {"metric": metric.pk, "date": (TODAY + timedelta(days=3)).isoformat(),
                                             "value": "abc"})
    html = response.content.decode()
    assert "Choose the person (or the team)" in html and "Enter a number." in html
    response = client.post("/kpis/record/", {"metric": metric.pk, "team": world.team.pk,
                                             "date": (TODAY + timedelta(days=3)).isoformat(), "value": "1"})
    assert "is in the future" in response.content.decode()
    assert not Measurement.objects.exists()


# ---------- CSV: the happy path ----------

def test_a_csv_is_previewed_then_recorded_all_at_once(client, manager, world, django_capture_on_commit_callbacks,
                                                      tasks_run_in_process):
    response = _upload(client, world, _good(world))
    html = response.content.decode()
    assert response.status_code == 200 and "Check before recording" in html
    assert "Record 3 measurements" in html and "✓ OK" in html
    assert not Measurement.objects.exists() and not RollupQueue.objects.exclude(queued_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kpis/upload/", {"action": "confirm", "token": _token(response)})
    assert response.status_code == 302
    assert Measurement.objects.filter(source=Source.CSV).count() == 3
    assert Rollup.objects.get(metric=world.metrics[0], scope="team", grain="week", period=MONDAY).count == 3
    # The token is spent: confirming again writes nothing more.
    response = client.post("/kpis/upload/", {"action": "confirm", "token": _token(_upload(client, world,
                                                                                          _good(world)))})
    assert Measurement.objects.count() == 3


def test_a_preview_counts_new_values_and_values_it_would_replace(client, manager, world):
    client.post("/kpis/upload/", {"action": "confirm", "token": _token(_upload(client, world, _good(world, 2)))})
    html = _upload(client, world, _good(world, 3)).content.decode()
    assert '<span class="kpi-count__n">1</span> new' in html
    assert '<span class="kpi-count__n">2</span> replace a recorded value' in html


def test_keys_loose_names_team_rows_semicolons_percent_signs_and_a_bom_are_understood(client, manager, world):
    metric = world.metrics[1]
    data = "\ufeffMetric;Team;Date;Value\n{};Applied AI;{:%Y-%m-%d};82,5%\n".format(metric.key, TODAY)
    parsed = read_csv(data.replace("82,5%", "82.5%").encode(), by=manager, role=world.role)
    assert parsed.ok, parsed.file_errors + [e.message for e in parsed.errors]
    row = parsed.rows[0]
    assert (row.metric, row.team, row.value, row.period) == (metric, world.team, 82.5, MONDAY)
    # A name typed with other spacing, case or punctuation still finds its KPI ("KPI 2").
    loose = read_csv(_csv("metric,team,date,value", f"kpi (2),applied-ai,{TODAY:%Y-%m-%d},1"), by=manager,
                     role=world.role)
    assert loose.ok and loose.rows[0].metric == metric


def test_another_user_cannot_confirm_or_cancel_an_upload(client, manager, world, personas):
    token = _token(_upload(client, world, _good(world)))
    from django.test import Client

    other = sign_in(Client(), personas.admin)
    response = other.post("/kpis/upload/", {"action": "confirm", "token": token})
    assert response.status_code == 302 and not Measurement.objects.exists()
    other.post("/kpis/upload/", {"action": "cancel", "token": token})
    assert StagedUpload.objects.filter(pk=token).exists()


def test_the_uploader_may_confirm_from_another_session_and_nothing_stays_staged(
        client, manager, world, personas, staged_folder):
    from django.test import Client

    response = _upload(client, world, _good(world))
    [staged] = StagedUpload.objects.all()
    assert (staged.kind, staged.name, staged.meta, staged.owner) == ("kpis.csv", "kpis.csv", {"role": world.role.pk},
                                                                     personas.manager)
    assert len(_staged_files(staged_folder)) == 1
    elsewhere = sign_in(Client(), personas.manager)  # nothing lives in the session that uploaded
    assert elsewhere.post("/kpis/upload/", {"action": "confirm", "token": _token(response)}).status_code == 302
    assert Measurement.objects.count() == 3
    assert not StagedUpload.objects.exists() and _staged_files(staged_folder) == []


def test_a_preview_that_cannot_be_confirmed_keeps_nothing(client, manager, world, staged_folder):
    _upload(client, world, _lines(world, f"{world.metrics[0].name},nobody@example.com,,{TODAY:%Y-%m-%d},1,"))
    assert not StagedUpload.objects.exists() and _staged_files(staged_folder) == []


def test_cancel_removes_the_upload(client, manager, world, staged_folder):
    response = client.post("/kpis/upload/", {"action": "cancel", "token": _token(_upload(client, world, _good(world)))},
                           follow=True)
    assert "Upload cancelled; nothing was written." in response.content.decode()
    assert not StagedUpload.objects.exists() and _staged_files(staged_folder) == []


# ---------- CSV: every bad input, nothing written ----------

def _lines(world, *rows: str) -> bytes:
    return _csv("metric,email,team,date,value,note", *rows)


BAD_ROWS = {
    "non-number": ("{metric},{email},,{today},eighty,", "value", "“eighty” is not a number"),
    "unknown metric": ("Happiness index,{email},,{today},1,", "metric", "is not a KPI of Metric Engineer"),
    "unknown person": ("{metric},nobody@example.com,,{today},1,", "email", "no person with the e-mail"),
    "unknown team": ("{metric},,no-such-team,{today},1,", "team", "no team “no-such-team”"),
    "bad date": ("{metric},{email},,09/03/2026,1,", "date", "is not a date (use YYYY-MM-DD)"),
    "future date": ("{metric},{email},,{future},1,", "date", "is in the future"),
    "date too old": ("{metric},{email},,2001-01-01,1,", "date", "more than 5 years ago"),
    "both subjects": ("{metric},{email},applied-ai,{today},1,", "email", "not both"),
    "no subject": ("{metric},,,{today},1,", "email", "needs a person's e-mail or a team"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_shown_on_its_line_and_nothing_is_written(client, manager, world, case):
    template, field, message = BAD_ROWS[case]
    good = f"{world.metrics[0].name},{world.people[1].email},,{TODAY:%Y-%m-%d},75,"
    bad = template.format(metric=world.metrics[0].name, email=world.people[0].email, today=f"{TODAY:%Y-%m-%d}",
                          future=f"{TODAY + timedelta(days=8):%Y-%m-%d}")
    response = _upload(client, world, _lines(world, good, bad))
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"'), html[html.find("kpi-row-errors"):][:600]
    assert f'<span class="failure__where">{field}</span>' in html
    assert '<td class="num" data-label="Line">3</td>' in html              # the header is line 1
    assert "Record 2 measurements" not in html and "nothing can be recorded yet" in html
    # Even a forged confirm writes nothing: the file is checked again.
    client.post("/kpis/upload/", {"action": "confirm", "token": _token(response)})
    assert not Measurement.objects.exists()


def test_a_duplicate_row_points_at_the_first_one(client, manager, world):
    metric, email = world.metrics[0].name, world.people[0].email
    monday, friday = MONDAY, min(MONDAY + timedelta(days=4), TODAY)
    response = _upload(client, world, _lines(world, f"{metric},{email},,{monday:%Y-%m-%d},70,",
                                             f"{metric},{email},,{friday:%Y-%m-%d},71,"))
    html = response.content.decode()
    assert "duplicates line 2: the same metric and person in the same week" in html
    client.post("/kpis/upload/", {"action": "confirm", "token": _token(response)})
    assert not Measurement.objects.exists()


def test_a_person_of_another_team_is_unknown_to_this_manager(client, world):
    rival = people_manager("rival")
    make_world(rival, team="Search", role=world.role, people=1)
    sign_in(client, rival)
    html = _upload(client, world, _lines(world, f"{world.metrics[0].name},{world.people[0].email},,"
                                                f"{TODAY:%Y-%m-%d},70,")).content.decode()
    assert "no person with the e-mail" in html
    html = _upload(client, world, _lines(world, f"{world.metrics[0].name},,applied-ai,{TODAY:%Y-%m-%d},70,")
                   ).content.decode()
    assert "you do not manage Applied AI" in html
    assert not Measurement.objects.exists()


FILE_PROBLEMS = {
    "missing header": (lambda w: _csv(f"{w.metrics[0].name},{w.people[0].email},,{TODAY:%Y-%m-%d},70,"),
                       "The first line is not a header"),
    "missing column": (lambda w: _csv("metric,email,date", f"{w.metrics[0].name},{w.people[0].email},"
                                                           f"{TODAY:%Y-%m-%d}"),
                       "The header misses the column value"),
    "empty file": (lambda w: b"", "The file is empty"),
    "header only": (lambda w: _csv("metric,email,team,date,value,note"), "a header but no rows"),
    "binary file": (lambda w: b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 8,
                    "This is not a text CSV file"),
    "too large": (lambda w: b"metric,email,team,date,value,note\n" + b"x" * (MAX_BYTES + 10), "the limit is 5 MB"),
}


@pytest.mark.parametrize("case", sorted(FILE_PROBLEMS))
def test_a_bad_file_is_refused_in_words_and_nothing_is_written(client, manager, world, case):
    build, message = FILE_PROBLEMS[case]
    response = _upload(client, world, build(world))
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    if "token" in html and 'name="token"' in html:
        client.post("/kpis/upload/", {"action": "confirm", "token": _token(response)})
    assert not Measurement.objects.exists()


def test_the_upload_page_documents_the_columns(client, manager, world):
    html = client.get("/kpis/upload/").content.decode()
    for column in ("<code>metric</code>", "<code>email</code>", "<code>team</code>", "<code>date</code>",
                   "<code>value</code>", "<code>note</code>"):
        assert column in html
    assert "metric,email,team,date,value,note" in html


def test_hr_may_read_but_not_record(client, personas, world):
    sign_in(client, personas.hr)
    assert client.get("/kpis/record/").status_code == 403
    assert client.get("/kpis/upload/").status_code == 403


# ---------- KPI names with a slash, and files that named no team ----------

@pytest.fixture
def seed_world(personas):
    """The seed's published role, with a person of the manager's team holding it."""
    from kpis.services.people import add_person, assign, ensure_team
    from roles.models import Role
    from roles.services.importing import import_file

    from ..conftest import SEED_PATH

    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    role = Role.objects.get(slug="junior-applied-ai-engineer")
    person = add_person(name="Sam Seed", email="sam@example.com")
    assign(person=person, role=role, team=ensure_team(name="Seed team", manager=personas.manager),
           starts_on=TODAY - timedelta(days=400))
    return role


def test_kpi_names_with_a_slash_are_found_by_name_and_after_the_role_slug(client, manager, seed_world):
    names = list(seed_world.metrics.filter(name__contains="/").values_list("name", flat=True))
    assert len(names) == 5 and "Latency (p95/p99)" in names
    day = f"{TODAY:%Y-%m-%d}"
    rows = [f'"{name}",sam@example.com,,{day},{n},' for n, name in enumerate(names)]
    rows.append(f'"{seed_world.slug}/Latency (p95/p99)",sam@example.com,,{TODAY - timedelta(days=7):%Y-%m-%d},1,')
    rows.append(f"{seed_world.slug}/latency-p95p99,sam@example.com,,{TODAY - timedelta(days=14):%Y-%m-%d},2,")
    response = client.post("/kpis/upload/", {"action": "preview", "role": seed_world.pk, "file": _file(
        _csv("metric,email,team,date,value,note", *rows))})
    html = response.content.decode()
    assert response.status_code == 200, html[html.find("kpi-row-errors"):][:800]
    assert "Record 7 measurements" in html and "expected role-slug/key" not in html
    client.post("/kpis/upload/", {"action": "confirm", "token": _token(response)})
    latency = seed_world.metrics.get(name="Latency (p95/p99)")
    assert Measurement.objects.filter(metric=latency).count() == 3
    assert Measurement.objects.count() == 7


def test_an_unknown_kpi_with_a_slash_is_named_with_its_line_and_column(client, manager, seed_world):
    response = client.post("/kpis/upload/", {"action": "preview", "role": seed_world.pk, "file": _file(_csv(
        "metric,email,date,value", f"Latency (p95/p100),sam@example.com,{TODAY:%Y-%m-%d},1"))})
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Latency (p95/p100)” is not a KPI of Junior Applied AI Engineer" in html
    assert '<span class="failure__where">metric</span>' in html and 'data-label="Line">2</td>' in html


def test_the_api_finds_a_kpi_name_with_a_slash_after_the_role_slug(personas, seed_world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas.manager)
    row = {"metric": f"{seed_world.slug}/Cost per inference / token", "person": "sam@example.com",
           "period": TODAY.isoformat(), "value": 3}
    assert api.post("/api/v1/measurements/", [row], format="json").status_code == 201
    row["metric"] = "nope/Cost per inference / token"
    body = api.post("/api/v1/measurements/", [row], format="json").json()
    assert body["errors"][0]["field"] == "metric" and "no metric “nope/Cost per inference / token”" in \
        body["errors"][0]["message"]


@pytest.mark.parametrize("header, row, where, message", [
    ("metric,email,date,value", "{metric},nobody@example.com,{today},1", "email",
     "no person with the e-mail “nobody@example.com”"),
    ("email", "nobody@example.com", None, "The header misses the columns metric, date, value"),
], ids=["no team column", "only an email column"])
def test_a_file_without_a_team_column_and_an_unknown_email_is_refused_in_words(client, manager, world, header,
                                                                                row, where, message):
    data = _csv(header, row.format(metric=world.metrics[0].name, today=f"{TODAY:%Y-%m-%d}"))
    response = _upload(client, world, data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400 and message in html
    if where:
        assert f'<span class="failure__where">{where}</span>' in html and 'data-label="Line">2</td>' in html
    assert not Measurement.objects.exists()


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("kpis.csv", data, content_type="text/csv")
