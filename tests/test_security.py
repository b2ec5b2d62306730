"""Hardening (issue 6, point 3): deploy checks, CSP and no inline script, clickjacking, sign-in throttling,
upload limits and escaping, escaped user text, sanitised Markdown, throttled API."""
import json
import os
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from accounts.tokens import issue_token
from blueprint import login_throttle
from blueprint.security import DEFAULT_POLICY, build_policy, style_hash
from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.services.importing import import_document

from .hiring.factories import opening_with_panel
from .kpis.test_kpi_permissions import make_world
from .personas import sign_in
from .roles.factories import draft_role, published_role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
STRICT = "default-src 'self'; script-src 'self'; style-src 'self'"
XSS = "<script>alert(1)</script>"


# ---------- production settings ----------

def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    base.update(DJANGO_SETTINGS_MODULE="blueprint.settings", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=120)


PRODUCTION = {"BLUEPRINT_HTTPS": "1", "DEBUG": "0", "ALLOWED_HOSTS": "example.com",
              "PORTAL_BASE_URL": "https://example.com"}


def test_check_deploy_is_clean_with_the_production_environment():
    # Every deploy (security) check, warnings included; then the whole check run, which must have no error.
    result = _manage("check", "--deploy", "--tag", "security", "--fail-level", "WARNING",
                     SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    result = _manage("check", "--deploy", "--fail-level", "ERROR", SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security.W" not in result.stdout + result.stderr


@pytest.mark.parametrize("key", ["", "django-insecure-demo-key-set-SECRET_KEY-in-production", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = _manage("check", BLUEPRINT_HTTPS="1", SECRET_KEY=key, ALLOWED_HOSTS="example.com",
                     PORTAL_BASE_URL="https://example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "set SECRET_KEY" in result.stderr


def test_production_settings_turn_on_secure_transport():
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SECURE_HSTS_PRELOAD, s.X_FRAME_OPTIONS, s.SESSION_COOKIE_HTTPONLY]))")
    result = _manage("shell", "-c", code, BLUEPRINT_HTTPS="1", SECRET_KEY=secrets.token_urlsafe(50),
                     PORTAL_BASE_URL="https://example.com")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True, True, 31536000, True, True, "DENY", True]


# ---------- CSP, no inline script, clickjacking ----------

class InlineFinder(HTMLParser):
    """Everything a strict CSP would refuse: inline <script>, <style> elements, on*= handlers, style=""."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


@pytest.fixture
def site(personas):
    """Something on every page: roles (published and draft), an opening with a scorecard, a KPI world."""
    role = published_role("Applied AI Engineer", family="Applied AI")
    draft = draft_role("Draft Data Engineer")
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1],
                                                        title="Hiring Engineer")
    world = make_world(personas.manager, role=role)
    return {"role": role, "draft": draft, "opening": opening, "candidate": candidate,
            "scorecard": interviews[0].scorecards.get(), "world": world}


def _pages(site, personas):
    role, draft, world = site["role"], site["draft"], site["world"]
    metric = world.metrics[0]
    return [
        (personas.hr, "/roles/"),
        (personas.hr, f"/roles/{role.slug}/"),
        (personas.hr, f"/roles/{role.slug}/versions/"),
        (personas.hr, f"/roles/{role.slug}/versions/1/"),
        (personas.hr, f"/roles/{role.slug}/job-posting/"),
        (personas.hr, "/compare/"),
        (personas.editor, f"/roles/{draft.slug}/edit/"),
        (personas.editor, f"/roles/{role.slug}/edit/"),
        (personas.editor, "/roles/new/"),
        (personas.approver, "/review/"),
        (personas.admin, "/import/"),
        (personas.hiring, "/hiring/"),
        (personas.hiring, f"/hiring/openings/{site['opening'].pk}/"),
        (personas.hiring, f"/hiring/candidates/{site['candidate'].pk}/"),
        (personas.hiring, "/hiring/openings/new/"),
        (personas.interviewer1, f"/hiring/scorecards/{site['scorecard'].pk}/"),
        (personas.manager, "/kpis/"),
        (personas.manager, f"/kpis/metrics/{metric.pk}/"),
        (personas.manager, "/kpis/record/"),
        (personas.manager, "/kpis/upload/"),
        (personas.hr, f"/kpis/roles/{role.slug}/"),
        (personas.hr, "/roles/no-such-role/"),      # the 404 page
        (personas.outsider, "/hiring/calibration/"),  # a 403 page (or the page itself)
    ]


def test_every_sampled_page_has_the_csp_header_and_nothing_inline(site, personas):
    for user, url in _pages(site, personas):
        client = Client()
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        assert response["Content-Security-Policy"].startswith(STRICT), url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert inline_problems(response.content.decode()) == [], url


def test_the_login_page_and_the_admin_have_the_csp_and_nothing_inline(client, personas):
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == build_policy()
    assert inline_problems(response.content.decode()) == []
    client.force_login(personas.admin)
    response = client.get("/admin/")
    assert response.status_code == 200 and "Content-Security-Policy" in response
    assert [p for p in inline_problems(response.content.decode()) if "script" in p] == []


def test_json_answers_carry_no_csp_but_nosniff(client, personas):
    client.force_login(personas.hr)
    response = client.get("/api/v1/roles/")
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_policy_is_the_strict_one():
    policy = build_policy(DEFAULT_POLICY)
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_only_inline_style_allowed_is_the_job_posting_previews_fixed_one():
    from roles.views.job_posting import PREVIEW_STYLE

    policy = build_policy()
    assert f"style-src 'self' {style_hash(PREVIEW_STYLE)};" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "nonce-" not in policy


# ---------- sign-in throttling ----------

def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_username_even_for_the_right_password(personas, settings):
    client = Client()
    for _ in range(5):
        response = _login(client, "editor", "wrong")
        assert response.status_code == 200 and "Please enter a correct username and password" in \
            response.content.decode()
    response = _login(client, "editor", "demo")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html and "paused for 15 minutes" in html
    assert "_auth_user_id" not in client.session
    assert int(response["Retry-After"]) > 0
    # Another person (same IP, 5 failures are below the IP limit) signs in as usual.
    assert _login(Client(), "approver", "demo").status_code == 302


def test_the_lock_is_per_username_whatever_the_case(personas):
    client = Client()
    for _ in range(5):
        _login(client, "Editor", "wrong")
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "editor", "demo").status_code == 429


def test_after_the_window_the_username_can_sign_in_again(personas, monkeypatch):
    client = Client()
    for _ in range(5):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "demo").status_code == 429
    later = time.time() + 15 * 60 + 5
    monkeypatch.setattr(login_throttle.time, "time", lambda: later)
    assert _login(client, "editor", "demo").status_code == 302


def test_successful_sign_ins_never_count(personas):
    client = Client()
    for _ in range(12):
        assert _login(client, "editor", "demo").status_code == 302
        client.logout()
    for _ in range(4):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "demo").status_code == 302  # 4 failures: still allowed; success clears them
    for _ in range(4):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "demo").status_code == 302


def test_many_usernames_from_one_ip_lock_that_ip(personas, settings):
    settings.LOGIN_THROTTLE_IP_LIMIT = 6
    sprayer = Client(REMOTE_ADDR="10.1.1.1")
    for name in ("a", "b", "c", "d", "e", "f"):
        _login(sprayer, name, "wrong")
    assert _login(sprayer, "hr", "demo").status_code == 429
    assert _login(Client(REMOTE_ADDR="10.1.1.2"), "hr", "demo").status_code == 302


def test_the_admin_sign_in_is_throttled_too(personas):
    client = Client()
    for _ in range(5):
        _login(client, "admin", "wrong")
    response = client.post("/admin/login/", {"username": "admin", "password": "demo"})
    assert response.status_code == 200 and "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# ---------- uploads: size limits, never served back as HTML ----------

@pytest.fixture
def uploads_in_tmp(uploads_storage):
    return uploads_storage


def test_an_oversized_blueprint_upload_is_refused_with_a_clear_message(client, personas, settings, uploads_in_tmp):
    settings.BLUEPRINT_MAX_UPLOAD_BYTES = 2_000
    client.force_login(personas.admin)
    doc = json.dumps(make_document("Harbor Pilot")).encode()
    response = client.post("/import/", {"action": "preview", "files": [SimpleUploadedFile("big.json", doc)]})
    html = response.content.decode()
    assert response.status_code == 200 and "the limit is" in html and "MB per file" in html
    assert not Role.objects.exists()


def test_a_blueprint_upload_with_markup_is_shown_escaped(client, personas, uploads_in_tmp):
    client.force_login(personas.admin)
    doc = make_document("Harbor Pilot")
    doc["role"]["level"] = XSS  # echoed back in the error message
    evil_name = '<img src=x onerror="alert(1)">.json'
    uploads = [SimpleUploadedFile(evil_name, json.dumps(doc).encode(), content_type="text/html"),
               SimpleUploadedFile("page.json", f"<html><body>{XSS}</body></html>".encode(), content_type="text/html")]
    response = client.post("/import/", {"action": "preview", "files": uploads})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # the preview page, never the file
    html = response.content.decode()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.json" in html
    assert inline_problems(html) == []


def test_an_oversized_kpi_csv_is_refused_with_a_clear_message(client, personas, monkeypatch, uploads_in_tmp):
    world = make_world(personas.manager)
    sign_in(client, personas.manager)
    monkeypatch.setattr("kpis.views.entry.MAX_BYTES", 1024 * 1024)
    data = b"metric,email,team,date,value,note\n" + b"x" * (1024 * 1024 + 10)
    response = client.post("/kpis/upload/", {"action": "preview", "role": world.role.pk,
                                             "file": SimpleUploadedFile("big.csv", data, content_type="text/csv")})
    html = response.content.decode()
    assert "the limit is 1 MB" in html and "Split it into smaller files" in html


def test_a_kpi_csv_with_markup_is_shown_escaped(client, personas, uploads_in_tmp):
    world = make_world(personas.manager)
    sign_in(client, personas.manager)
    data = f"metric,email,team,date,value,note\n{XSS},{world.people[0].email},,2025-06-02,70,{XSS}\n".encode()
    response = client.post("/kpis/upload/", {"action": "preview", "role": world.role.pk,
                                             "file": SimpleUploadedFile(f"{XSS}.csv", data, content_type="text/html")})
    # The markup is no KPI name: the preview lists the row's problem (400) and shows the text escaped.
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert inline_problems(html) == []


# ---------- user text escaped, Markdown sanitised ----------

def test_user_text_on_the_role_page_is_escaped(client, personas):
    evil = '<img src=x onerror="alert(1)">'
    doc = make_document("Escaped Engineer")
    doc["kpis"][0]["name"] = f"Uptime {evil}"
    doc["role"]["summary"] = f"Summary {XSS}"
    import_document(doc, file="escaped.json", publish=True)
    sign_in(client, personas.hr)
    html = client.get("/roles/escaped-engineer/").content.decode()
    assert evil not in html and XSS not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert inline_problems(html) == []


def test_markdown_in_the_job_posting_is_sanitised(client, personas):
    role = published_role("Applied AI Engineer")
    sign_in(client, personas.hr)
    url = reverse("roles:job_posting", kwargs={"slug": role.slug})
    text = f"# Hi\n\n{XSS}\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n"
    response = client.post(url, {"text": text, "action": "html"})
    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body and 'href="javascript:' not in body
    assert response["Content-Security-Policy"].startswith(STRICT)
    preview = client.post(url, {"text": text, "action": "preview"}).content.decode()
    assert "<script>alert" not in preview and 'sandbox="allow-same-origin"' in preview
    assert inline_problems(preview) == []


# ---------- API throttling ----------

@pytest.fixture
def tight_rates(monkeypatch):
    # DRF binds the rates to the throttle classes at import; override them there.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})


def test_token_authenticated_api_calls_are_throttled(personas, tight_rates):
    client = Client(HTTP_AUTHORIZATION=f"Token {issue_token(user=personas.hr, name='throttled')[1]}")
    codes = [client.get("/api/v1/roles/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    response = client.get("/api/v1/roles/")
    assert response.status_code == 429 and "Retry-After" in response and "detail" in response.json()
    other = Client(HTTP_AUTHORIZATION=f"Token {issue_token(user=personas.editor, name='other')[1]}")
    assert other.get("/api/v1/roles/").status_code == 200


def test_anonymous_api_calls_are_refused_before_anything_else(db, tight_rates):
    # Authentication and permission come before throttling in DRF: an anonymous caller only ever gets 401.
    response = Client().get("/api/v1/roles/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
