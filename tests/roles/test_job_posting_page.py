"""The job posting page: drafted from the published blueprint, edited as Markdown, previewed and downloaded."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from roles.blueprint_format import read_document
from roles.blueprint_format.synthetic import make_document
from roles.job_posting import draft_posting
from roles.selectors import versions_with_content
from roles.services.importing import import_document
from tests.roles.factories import published_role
from ..personas import sign_in

pytestmark = pytest.mark.django_db
EVIL = "# Hello\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1))\n"


@pytest.fixture
def role():
    return published_role("Applied AI Engineer", family="Applied AI")


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def _url(role) -> str:
    return reverse("roles:job_posting", kwargs={"slug": role.slug})


def test_the_textarea_holds_the_drafted_markdown_and_the_preview_renders_it(reader, role):
    html = reader.get(_url(role)).content.decode()
    expected = draft_posting(read_document(versions_with_content().get(pk=role.published_version_id))).to_markdown()
    assert escape(expected) in html
    assert "# Applied AI Engineer" in html and "## What you will do" in html
    # The preview is a sandboxed frame whose document is the escaped, rendered posting.
    assert 'sandbox="allow-same-origin"' in html
    assert "&lt;h1&gt;Applied AI Engineer&lt;/h1&gt;" in html
    assert "&lt;h2&gt;What you will do&lt;/h2&gt;" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_preview_shows_the_edited_text(reader, role):
    html = reader.post(_url(role), {"text": "# Our best role\n\n- Ship things", "action": "preview"}).content.decode()
    assert "&lt;h1&gt;Our best role&lt;/h1&gt;" in html and "&lt;li&gt;Ship things&lt;/li&gt;" in html
    assert "# Our best role" in html  # what was typed is kept in the textarea
    assert "Start over from the blueprint" in html


def test_markdown_download_returns_the_edited_text_as_an_attachment(reader, role):
    response = reader.post(_url(role), {"text": "# Edited\r\n\r\n- One\r\n", "action": "markdown"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{role.slug}-job-posting.md"'
    assert response.content.decode() == "# Edited\n\n- One\n"


def test_html_download_is_the_sanitised_rendition(reader, role):
    response = reader.post(_url(role), {"text": EVIL, "action": "html"})
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{role.slug}-job-posting.html"'
    body = response.content.decode()
    assert "<h1>Hello</h1>" in body
    assert "<script>" not in body and "&lt;script&gt;alert" in body
    assert 'href="javascript:' not in body


def test_script_typed_in_the_textarea_never_runs_in_the_preview(reader, role):
    html = reader.post(_url(role), {"text": EVIL, "action": "preview"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html          # shown as text in the textarea
    assert "&amp;lt;script&amp;gt;alert" in html  # escaped inside the sanitised preview document


def test_empty_and_oversized_text_is_refused_with_a_clear_error(reader, role):
    response = reader.post(_url(role), {"text": "", "action": "markdown"})
    assert response["Content-Type"].startswith("text/html") and "The posting is empty" in response.content.decode()
    assert response.status_code == 400
    big = "# Big\n\n" + "word " * 4_100
    response = reader.post(_url(role), {"text": big, "action": "html"})
    page = response.content.decode()
    assert response.status_code == 400 and "Content-Disposition" not in response
    assert "The posting is 20,507 characters, more than the 20,000 allowed" in page and "field__error" in page
    assert "word word word" in page  # nothing typed is lost


def test_posts_need_the_csrf_token(personas, role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.hr)
    assert client.post(_url(role), {"text": "# x", "action": "markdown"}).status_code == 403


def test_a_role_without_a_published_version_has_no_posting(reader):
    import_document(make_document("Unpublished Engineer"))
    assert reader.get(reverse("roles:job_posting", kwargs={"slug": "unpublished-engineer"})).status_code == 404
    assert reader.get(reverse("roles:job_posting", kwargs={"slug": "nope"})).status_code == 404


def test_outsiders_are_refused_and_anonymous_users_sent_to_sign_in(client, personas, role):
    response = client.get(_url(role))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(_url(role), {"text": "# x", "action": "markdown"})
    assert response.status_code == 302
    client.force_login(personas.outsider)
    assert client.get(_url(role)).status_code == 403
    assert client.post(_url(role), {"text": "# x", "action": "markdown"}).status_code == 403


def test_queries_do_not_grow_with_the_blueprint(client, personas, django_assert_max_num_queries):
    sign_in(client, personas.hr)
    counts = []
    for title, scale in (("Small Engineer", 1), ("Large Engineer", 5)):
        role = published_role(title, scale=scale)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(_url(role)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(3):
        assert client.post(_url(role), {"text": "# x", "action": "markdown"}).status_code == 200
