"""The versions page (with the audit trail) and the read-only page of any version."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from roles.blueprint_format.synthetic import make_document
from roles.models import FamilyAssignment, Role, VersionStatus
from roles.rendering import body_cache_key
from roles.services.drafts import discard_draft
from roles.services.importing import import_document
from roles.services.workflow import send_back, submit_for_review
from ..personas import sign_in

pytestmark = pytest.mark.django_db
TITLE = "Applied AI Engineer"
FAMILY = "Applied AI Engineering"
OLD_TARGET = "60–90% of tasks"          # KPI 1 of the synthetic document
NEW_TARGET = "At least 95% of tasks"


def _doc(target: str = OLD_TARGET, scale: int = 1) -> dict:
    doc = make_document(TITLE, family=FAMILY, scale=scale)
    doc["kpis"][0]["target"] = target
    return doc


@pytest.fixture
def history(personas):
    """v1 archived, v2 published (new KPI target), a v3 sent back then discarded, a v4 in review.

    (A discarded draft's number is never given to another draft.)"""
    import_document(_doc(), by=personas.approver, publish=True, note="First publication")
    import_document(_doc(NEW_TARGET), by=personas.approver, publish=True, note="Raised the KPI 1 target")
    role = Role.objects.get(slug="applied-ai-engineer")
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)

    def draft(target: str):
        doc = _doc(NEW_TARGET)
        doc["kpis"][1]["target"] = target
        import_document(doc, by=personas.editor, note=f"Drafted {target}")
        return role.versions.order_by("-number").first()

    v3 = submit_for_review(version=draft("Tighter"), by=personas.editor, note="Tighter KPI 2")
    v3 = send_back(version=v3, by=personas.approver, comment="Say per quarter, please")
    discard_draft(version=v3, by=personas.editor)
    submit_for_review(version=draft("Draft target per quarter"), by=personas.editor, note="KPI 2 per quarter")
    return role


def _versions_url(role):
    return reverse("roles:versions", kwargs={"slug": role.slug})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _rows(html: str) -> list[str]:
    return re.findall(r'<a class="version-link" href="[^"]+">(v\d+)</a>', html)


def test_readers_see_published_and_archived_versions_only(client, personas, history):
    html = sign_in(client, personas.hr).get(_versions_url(history)).content.decode()
    assert _rows(html) == ["v2", "v1"]
    assert "Status: Published" in html and "Status: Archived" in html
    assert "In review" not in html and "v3" not in html
    assert "Raised the KPI 1 target" in html and "by Approver" not in html  # notes, and who, in columns
    assert html.count('class="current-mark"') == 1


def test_editors_of_the_family_and_approvers_also_see_drafts_in_review(client, personas, history):
    for user in (personas.editor, personas.approver, personas.admin):
        html = sign_in(client, user).get(_versions_url(history)).content.decode()
        assert _rows(html) == ["v4", "v2", "v1"], user.username
        assert "Status: In review" in html and "KPI 2 per quarter" in html


def test_an_editor_of_another_family_sees_no_drafts(client, personas, history):
    FamilyAssignment.objects.filter(user=personas.editor).update(family="Other family")
    html = sign_in(client, personas.editor).get(_versions_url(history)).content.decode()
    assert _rows(html) == ["v2", "v1"]


def test_versions_list_who_and_when_created_and_published(client, personas, history):
    html = sign_in(client, personas.approver).get(_versions_url(history)).content.decode()
    v2 = history.versions.get(number=2)
    row = html[html.index(">v2</a>"):html.index(">v1</a>")]
    assert row.count('<span class="who">Approver</span>') == 2
    assert v2.published_at.strftime("%Y-%m-%dT%H:%M") in row
    v4 = html[html.index(">v4</a>"):html.index(">v2</a>")]
    assert '<span class="who">Editor</span>' in v4 and "Status: In review" in v4


def test_audit_trail_tells_who_did_what_with_the_note(client, personas, history):
    html = sign_in(client, personas.approver).get(_versions_url(history)).content.decode()
    trail = html[html.index('id="audit-title"'):]
    text = _text(trail)
    for line in ("Approver published v2", "Approver published v1", "Editor submitted v4 for review",
                 "Approver sent back v3 (since discarded)", "Editor discarded draft v3",
                 "Editor created draft v4", "Editor created draft v3 (since discarded)"):
        assert line in text, line
    assert "Say per quarter, please" in text and "KPI 2 per quarter" in text and "Raised the KPI 1 target" in text
    assert f'href="{reverse("roles:version", kwargs={"slug": history.slug, "number": 2})}">v2</a>' in trail
    # Newest first.
    assert text.index("submitted v4") < text.index("discarded draft v3") < text.index("sent back v3")


def test_readers_see_only_publications_in_the_audit_trail(client, personas, history):
    html = sign_in(client, personas.hr).get(_versions_url(history)).content.decode()
    trail = _text(html[html.index('id="audit-title"'):])
    assert "Approver published v2" in trail and "Approver published v1" in trail
    for hidden in ("sent back", "Say per quarter", "discarded", "submitted", "KPI 2 per quarter"):
        assert hidden not in trail, hidden


def test_long_audit_trails_are_paginated(client, personas):
    for n in range(12):
        import_document(_doc(f"Target {n}"), by=personas.approver, publish=True)   # 2 events each
    role = Role.objects.get(slug="applied-ai-engineer")
    sign_in(client, personas.approver)
    first = client.get(_versions_url(role)).content.decode()
    assert first.count('class="audit__item') == 20 and 'rel="next"' in first
    second = client.get(_versions_url(role) + "?page=2").content.decode()
    assert second.count('class="audit__item') == 4 and "Approver created draft v1" in _text(second)


def test_compare_control_redirects_to_the_diff(client, personas, history):
    response = sign_in(client, personas.hr).get(_versions_url(history) + "?a=1&b=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:diff", kwargs={"slug": history.slug, "a": 1, "b": 2})
    html = client.get(_versions_url(history)).content.decode()
    assert re.search(r'name="a" value="1" checked', html) and re.search(r'name="b" value="2" checked', html)


def test_archived_version_shows_the_old_target_while_the_role_page_shows_the_new(client, personas, history):
    sign_in(client, personas.hr)
    old = client.get(reverse("roles:version", kwargs={"slug": history.slug, "number": 1})).content.decode()
    assert OLD_TARGET in old and NEW_TARGET not in old
    assert "You are viewing <strong>v1 (archived)</strong>" in old and "current is" in old
    assert reverse("roles:diff", kwargs={"slug": history.slug, "a": 1, "b": 2}) in old
    current = client.get(history.get_absolute_url()).content.decode()
    assert NEW_TARGET in current and OLD_TARGET not in current
    page = client.get(reverse("roles:version", kwargs={"slug": history.slug, "number": 2})).content.decode()
    assert NEW_TARGET in page and "You are viewing" not in page
    for anchor in ("summary", "kpis", "technical-skills", "hiring", "summary-table"):
        assert f'id="{anchor}"' in page


def test_drafts_are_404_for_readers_and_rendered_without_the_page_cache_for_approvers(client, personas, history):
    url = reverse("roles:version", kwargs={"slug": history.slug, "number": 4})
    assert sign_in(client, personas.hr).get(url).status_code == 404
    draft = history.versions.get(number=4)
    html = sign_in(client, personas.approver).get(url).content.decode()
    assert "Draft target per quarter" in html and "v4 (in review)" in html
    assert cache.get(body_cache_key(draft.pk)) is None


def test_unknown_versions_and_roles_are_404(client, personas, history):
    sign_in(client, personas.admin)
    assert client.get(reverse("roles:version", kwargs={"slug": history.slug, "number": 3})).status_code == 404
    assert client.get(reverse("roles:version", kwargs={"slug": history.slug, "number": 5})).status_code == 404
    assert client.get(reverse("roles:version", kwargs={"slug": history.slug, "number": 0})).status_code == 404
    assert client.get(f"/roles/{history.slug}/versions/abc/").status_code == 404
    assert client.get(reverse("roles:versions", kwargs={"slug": "no-such-role"})).status_code == 404


def test_a_role_never_published_has_no_history_for_readers(client, personas):
    import_document(make_document("Unpublished Engineer"), by=personas.admin)
    url = reverse("roles:versions", kwargs={"slug": "unpublished-engineer"})
    assert sign_in(client, personas.hr).get(url).status_code == 404
    assert sign_in(client, personas.approver).get(url).status_code == 200


@pytest.mark.parametrize("name", ["versions", "version"])
def test_outsiders_are_refused_and_anonymous_users_sent_to_sign_in(client, personas, history, name):
    kwargs = {"slug": history.slug, **({"number": 1} if name == "version" else {})}
    url = reverse(f"roles:{name}", kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(personas.outsider)
    response = client.get(url)
    assert response.status_code == 403 and TITLE not in response.content.decode()


def test_versions_page_queries_do_not_grow_with_versions_or_events(client, personas, django_assert_max_num_queries):
    import_document(_doc(), by=personas.approver, publish=True)
    role = Role.objects.get(slug="applied-ai-engineer")
    sign_in(client, personas.approver)
    with django_assert_max_num_queries(6) as few:
        assert client.get(_versions_url(role)).status_code == 200
    for n in range(15):
        import_document(_doc(f"Target {n}"), by=personas.approver, publish=True)
    with django_assert_max_num_queries(6) as many:
        html = client.get(_versions_url(role)).content.decode()
    assert len(_rows(html)) == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_version_page_queries_do_not_grow_with_the_blueprint(client, personas, django_assert_max_num_queries):
    counts = []
    for title, scale in (("Small Engineer", 1), ("Large Engineer", 4)):
        import_document(make_document(title, scale=scale), publish=True)
        import_document(make_document(title, scale=scale, seed=1), publish=True)
        sign_in(client, personas.hr)
        with django_assert_max_num_queries(12) as captured:
            url = reverse("roles:version", kwargs={"slug": title.lower().replace(" ", "-"), "number": 1})
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert VersionStatus.ARCHIVED == Role.objects.get(slug="large-engineer").versions.get(number=1).status
