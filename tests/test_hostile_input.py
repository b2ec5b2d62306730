"""Malformed and oversized input (issue 11, points 4 and 5): every case is a 4xx naming what is wrong, before any
work is done on it; none is a 500. Each test here failed before the fix (a 500, a RecursionError, a silent
write, or a body read in full before the refusal)."""
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory
from django.utils import timezone

from common.models import StagedUpload
from kpis.models import Measurement
from roles.models import BlueprintVersion
from roles.services.drafts import open_or_start_draft

from .kpis.test_kpi_permissions import make_world
from .personas import sign_in
from .roles.factories import published_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi_world(personas):
    return make_world(personas.manager, kpis=2, people=2)


@pytest.fixture
def manager(client, personas):
    return sign_in(client, personas.manager)


@pytest.fixture
def admin(personas):
    client = Client()
    client.force_login(personas.admin)
    return client


def last_monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)


def post_json(client, url, body: str, method="POST", **headers):
    return client.generic(method, url, body, content_type="application/json", **headers)


def assert_names(response, status: int, where: str, words: str):
    assert response.status_code == status, response.content[:300]
    data = response.json()
    assert data["where"] == where and data["detail"].startswith(f"{where}: ") and words in data["detail"], data


# ---------- JSON bodies (RecursionError, NUL, lone surrogates, 1e400, 5,000-digit numbers) ----------

@pytest.fixture
def draft(personas):
    role = published_role("Hostile Input Engineer")
    return open_or_start_draft(role=role, by=personas.admin)


def _if_match(version):
    version.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{version.pk}-r{version.revision}"'}


def test_deeply_nested_json_is_a_400_naming_the_field_not_a_recursion_error(admin, draft):
    body = '{"document": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = post_json(admin, f"/api/v1/versions/{draft.pk}/", body, method="PUT", **_if_match(draft))
    assert response.status_code == 400
    assert response.json()["where"].startswith("document[0][0]") and "nests deeper than 32 levels" in \
        response.json()["detail"]
    # Shallow enough for json, too deep for what reads the document after it.
    body = '{"document": {"kpis": ' + "[" * 900 + "]" * 900 + "}}"
    response = post_json(admin, f"/api/v1/versions/{draft.pk}/", body, method="PATCH", **_if_match(draft))
    assert response.status_code == 400 and response.json()["where"].startswith("document.kpis[0]")
    assert BlueprintVersion.objects.get(pk=draft.pk).revision == draft.revision


@pytest.mark.parametrize("text, words", [("a\\u0000b", "NUL character"), ("a\\ud800b", "lone surrogate")])
def test_nul_and_lone_surrogates_in_a_measurement_note_are_a_400_naming_the_note(admin, kpi_world, text, words):
    row = {"metric": kpi_world.metrics[0].pk, "person": kpi_world.people[0].email,
           "period": last_monday().isoformat(), "value": 3, "note": "NOTE"}
    body = json.dumps([row]).replace('"NOTE"', f'"{text}"')
    assert_names(post_json(admin, "/api/v1/measurements/", body), 400, "[0].note", words)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("literal, words", [("1e400", "out of range"), ("NaN", "not a number"),
                                            ("-Infinity", "not a number"), ("9" * 5000, "5,000 digits"),
                                            ("9" * 30, "30 digits")])
def test_numbers_beyond_range_are_a_400_naming_the_field(admin, kpi_world, literal, words):
    row = {"metric": kpi_world.metrics[0].pk, "person": kpi_world.people[0].email,
           "period": last_monday().isoformat(), "value": "VALUE"}
    body = json.dumps({"rows": [row]}).replace('"VALUE"', literal)
    assert_names(post_json(admin, "/api/v1/measurements/", body), 400, "rows[0].value", words)
    body = json.dumps([{**row, "value": 1, "metric": "METRIC"}]).replace('"METRIC"', literal)
    assert_names(post_json(admin, "/api/v1/measurements/", body), 400, "[0].metric", words)
    assert not Measurement.objects.exists()


def test_a_lone_surrogate_in_a_draft_document_is_a_400_naming_the_field(admin, draft):
    body = '{"document": {"mission": {"core": "Ship \\udfff it"}}}'
    response = post_json(admin, f"/api/v1/versions/{draft.pk}/", body, method="PATCH", **_if_match(draft))
    assert_names(response, 400, "document.mission.core", "lone surrogate")


def test_a_body_that_is_not_utf8_is_a_400(admin, draft):
    response = admin.generic("POST", f"/api/v1/versions/{draft.pk}/submit/", b'{"note": "\xff\xfe"}',
                             content_type="application/json")
    assert response.status_code == 400 and "not utf-8 text" in response.json()["detail"]


# ---------- integers in the path and the query string ----------

@pytest.mark.parametrize("digits", [20, 1000, 5000])
def test_over_long_ids_in_the_path_are_a_400_naming_the_parameter(admin, draft, digits):
    big = "9" * digits
    assert_names(admin.get(f"/api/v1/versions/{big}/"), 400, "pk", f"{digits:,} digits")
    page = admin.get(f"/roles/{draft.role.slug}/diff/1/{big}/")
    assert page.status_code == 400 and f"b: a number of {digits:,} digits is not a valid id" in page.content.decode()
    assert admin.get(f"/hiring/openings/{big}/").status_code == 400


@pytest.mark.parametrize("url, name", [("/api/v1/measurements/?metric={big}", "metric"),
                                       ("/api/v1/rollups/?scope_id={big}", "scope_id"),
                                       ("/roles/{slug}/export.json?version={big}", "version")])
def test_over_long_numbers_in_the_query_are_a_400_naming_the_parameter(admin, draft, url, name):
    for digits in (25, 5000):
        response = admin.get(url.format(big="9" * digits, slug=draft.role.slug))
        assert response.status_code == 400, (url, digits)
        assert f"{name}: a number of {digits:,} digits is out of range" in response.content.decode()


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(admin):
    response = admin.get("/roles/", {"q": "data\x00engineer"})
    assert response.status_code == 400 and "q: contains a NUL character" in response.content.decode()
    assert_names(admin.get("/api/v1/roles/", {"q": "x\x00"}), 400, "q", "NUL character")


# ---------- ?period= out of range ----------

@pytest.mark.parametrize("period", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("grain", ["week", "month", "quarter"])
def test_an_out_of_range_period_is_a_400_naming_it(manager, kpi_world, period, grain):
    for url in ("/kpis/", f"/kpis/metrics/{kpi_world.metrics[0].pk}/", f"/kpis/roles/{kpi_world.role.slug}/"):
        response = manager.get(url, {"team": kpi_world.team.slug, "grain": grain, "period": period})
        assert response.status_code == 400, (url, response.status_code)
        assert f"period: {period} is out of range" in response.content.decode(), url
    assert manager.get("/kpis/", {"period": "2025-06-02", "grain": grain}).status_code == 200


# ---------- CSV: a NUL past the first 64 KB ----------

def test_a_nul_past_the_first_64_kb_of_a_csv_is_named_by_line_and_nothing_is_kept(manager, kpi_world,
                                                                                  uploads_storage):
    metric, person = kpi_world.metrics[0], kpi_world.people[0]
    padding = "\n" * 70_000  # blank lines are skipped: the one row comes after the sample the binary check reads
    data = (f"metric,email,team,date,value,note\n{padding}"
            f"{metric.key},{person.email},,{last_monday()},80,bad\x00note\n").encode()
    response = manager.post("/kpis/upload/", {"action": "preview", "role": kpi_world.role.pk,
                                              "file": SimpleUploadedFile("week.csv", data, content_type="text/csv")})
    assert response.status_code == 400
    assert "Line 70,002 contains a NUL character" in response.content.decode()
    assert not StagedUpload.objects.exists() and not Measurement.objects.exists()


# ---------- request bodies: refused before they are read ----------

class Unreadable:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read before the size check")

    readline = read


def _oversized_post(path: str, length: int, *, csrf: bool = False):
    """A POST announcing `length` bytes whose body cannot be read. Without `csrf` the CSRF check (which reads
    a form body) is off, so only the size check and the view's own refusals (sign-in, 401) answer it."""
    request = RequestFactory().post(path, data=b"", content_type="multipart/form-data; boundary=xyz")
    request.META["CONTENT_LENGTH"] = str(length)
    request._stream = Unreadable()
    request._dont_enforce_csrf_checks = not csrf
    return request


@pytest.fixture(scope="module")
def handler():
    return WSGIHandler()


def _handle(request, handler):
    return handler.get_response(request)


def test_a_100_mb_anonymous_post_to_the_login_page_is_413_before_the_body_is_read(db, handler):
    response = _handle(_oversized_post("/accounts/login/", 100 * 1024 * 1024, csrf=True), handler)
    assert response.status_code == 413
    assert "The request body is 100.0 MB; this address accepts at most 2.5 MB." in response.content.decode()


def test_upload_pages_and_bulk_api_writes_take_their_own_larger_limit(db, settings, handler):
    def status(path, length):
        return _handle(_oversized_post(path, length), handler).status_code

    assert status("/kpis/upload/", 5 * 1024 * 1024) == 302  # to the sign-in page: not refused for its size
    assert status("/kpis/upload/", 6 * 1024 * 1024) == 413
    assert status("/import/", 19 * 1024 * 1024) == 302
    assert status("/import/", settings.UPLOAD_MAX_REQUEST_BYTES + 1) == 413
    assert status("/roles/", 3 * 1024 * 1024) == 413
    assert status("/api/v1/measurements/", 3 * 1024 * 1024) == 401
    api = _handle(_oversized_post("/api/v1/measurements/", settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), handler)
    assert api.status_code == 413 and "accepts at most 6.0 MB" in json.loads(api.content)["detail"]


def test_the_body_limits_are_set():
    from django.conf import settings

    assert settings.REQUEST_MAX_BODY_BYTES == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_MAX_BODY_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.BLUEPRINT_MAX_UPLOAD_BYTES + 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.UPLOAD_MAX_REQUEST_BYTES >= 4 * settings.BLUEPRINT_MAX_UPLOAD_BYTES


# ---------- failed imports keep no staged upload ----------

@pytest.mark.parametrize("name, content", [
    ("laughs.yaml", "format: role-blueprint/v1\na: &a [1, 2]\nb: *a\n"),
    ("huge.yaml", "format: role-blueprint/v1\nrole: " + "9" * 5000 + "\n"),
    ("deep.html", "<h2>Summary</h2><h2>Mission</h2><h2>Skills</h2>" + "<div>" * 5000),
    ("deep.json", '{"format": "role-blueprint/v1", "role": ' + "[" * 5000 + "]" * 5000 + "}"),
])
def test_a_hostile_file_fails_its_preview_with_a_message_and_leaves_nothing_staged(admin, uploads_storage, name,
                                                                                  content):
    file = SimpleUploadedFile(name, content.encode(), content_type="application/octet-stream")
    response = admin.post("/import/", {"action": "preview", "files": [file]})
    html = response.content.decode()
    assert response.status_code == 200 and "1 failed" in html and 'name="token"' not in html
    assert any(words in html for words in ("aliases (*a) are not accepted", "5,000 digits", "nest more than 64",
                                           "nests deeper than 32")), html[-3000:]
    assert not StagedUpload.objects.exists()
    assert not [p for p in uploads_storage.rglob("*") if p.is_file()]
