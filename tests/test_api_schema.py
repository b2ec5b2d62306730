"""The API contract: the OpenAPI schema at /api/schema/ documents every /api/v1/ endpoint without warnings,
the Swagger UI at /api/docs/ is served from vendored assets, and schemathesis, run against a live server
with an admin's token, finds no 5xx and no response that breaks the schema."""
import re
from io import StringIO
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import URLPattern, URLResolver
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

import blueprint.api
from accounts.tokens import issue_token

EXAMPLES_PER_OPERATION = 10


# ---------- the schema itself ----------

def _api_routes() -> dict[str, set[str]]:
    """Every /api/v1/ route (the catch-all 404 excepted) as an OpenAPI path → the methods its view answers."""
    routes = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.callback is not blueprint.api.no_endpoint:
                route = prefix + str(pattern.pattern)
                path = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "pk" else f"{{{m[1]}}}",
                                           route)
                view = pattern.callback.view_class
                methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
                routes[path] = methods

    walk(blueprint.api.urlpatterns, "")
    return routes


@pytest.fixture(scope="module")
def schema_document(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn: any warning or error of drf-spectacular (an undocumented view, a guessed type) fails.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path), stdout=StringIO(),
                 stderr=StringIO())
    return yaml.safe_load(path.read_text())


def test_the_schema_lists_every_api_endpoint_and_method(schema_document):
    routes = _api_routes()
    assert len(routes) >= 21
    documented = {path: {m for m in item if m in ("get", "post", "put", "patch", "delete")}
                  for path, item in schema_document["paths"].items()}
    assert documented == routes


def test_every_operation_documents_its_errors_with_a_detail(schema_document):
    error = schema_document["components"]["schemas"]["Error"]
    assert "detail" in error["required"]
    for path, item in schema_document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            assert any(code.startswith("2") or code == "304" for code in codes), (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
    versions = schema_document["paths"]["/api/v1/versions/{id}/"]
    assert {"409", "412", "428"} <= set(versions["put"]["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in versions["put"]["parameters"])


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "js/swagger-init.js" in html
    assert "/api/schema/" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline scripts (CSP)"
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    static = Path(settings.BASE_DIR) / "static"
    for name in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css",
                 "vendor/swagger-ui/LICENSE", "js/swagger-init.js"):
        assert (static / name).is_file(), name


# ---------- schemathesis against a live server ----------

@pytest.fixture
def admin_token(transactional_db) -> str:
    call_command("load_demo", stdout=StringIO())
    admin = User.objects.get(username="admin")
    return issue_token(user=admin, name="schemathesis")[1]


def test_schemathesis_finds_no_server_errors_and_no_response_off_the_schema(live_server, admin_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    headers = {"Authorization": f"Token {admin_token}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                             phases=[Phase.explicit, Phase.generate], derandomize=True,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=checks, timeout=30)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


# ---------- explicit hostile cases (issue 11, point 5), against the same live server ----------

def _hostile_cases(draft) -> list[tuple[str, str, dict, int]]:
    """(method, path, Case arguments, expected status): bodies as raw bytes, sent as they are."""
    version = f"/api/v1/versions/{{id}}/"
    if_match = {"If-Match": f'"{draft.pk}-r{draft.revision}"'}
    row = '{"metric": 1, "person": "x@example.com", "period": "2025-06-02", "value": %s, "note": %s}'
    cases = [("PUT", version, {"body": b'{"document": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "headers": if_match},
              400),
             ("PATCH", version, {"body": b'{"document": {"mission": {"core": "a\\u0000b"}}}', "headers": if_match}, 400),
             ("PATCH", version, {"body": b'{"document": {"mission": {"core": "a\\ud800b"}}}', "headers": if_match}, 400),
             ("POST", f"{version}submit/", {"body": b'{"note": "\\u0000"}'}, 400),
             ("GET", version, {"path_parameters": {"id": "9" * 5000}}, 400),
             ("GET", version, {"path_parameters": {"id": "9" * 25}}, 400),
             ("GET", "/api/v1/rollups/", {"query": {"from": "0001-01-01", "to": "9999-12-31"}}, 200),
             ("GET", "/api/v1/measurements/", {"query": {"metric": "9" * 5000}}, 400),
             ("GET", "/api/v1/roles/", {"query": {"q": "a\x00b"}}, 400)]
    for value, note in (("1e400", '""'), ("NaN", '""'), ("9" * 5000, '""'), ("1", '"\\ud800"'), ("1", '"\\u0000"')):
        cases.append(("POST", "/api/v1/measurements/", {"body": ("[" + row % (value, note) + "]").encode()}, 400))
    return cases


def test_schemathesis_explicit_hostile_cases_get_a_4xx_naming_the_field(live_server, admin_token):
    from roles.models import Role
    from roles.services.drafts import open_or_start_draft

    admin = User.objects.get(username="admin")
    draft = open_or_start_draft(role=Role.objects.filter(published_version__isnull=False).first(), by=admin)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    headers = {"Authorization": f"Token {admin_token}"}
    failures = []
    for method, path, arguments, expected in _hostile_cases(draft):
        operation = schema[path][method]
        arguments = {"media_type": "application/json", **arguments} if "body" in arguments else arguments
        arguments.setdefault("path_parameters", {"id": draft.pk} if "{id}" in path else {})
        extra = arguments.pop("headers", {})
        case = operation.Case(**arguments)
        response = case.call(headers={**headers, **extra}, timeout=30)
        detail = response.json().get("detail", "") if response.status_code >= 400 else ""
        if response.status_code != expected or (expected == 400 and ": " not in detail):
            failures.append(f"{method} {path} {str(arguments)[:80]}: {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)
