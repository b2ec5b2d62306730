"""The workflow's pages: submit with a change note, discard with a confirmation, new and duplicated roles, the
review queue with publish and send back, and the per-user buttons above the role page."""
import html

import pytest

from roles.models import AuditEvent, FamilyAssignment, Role, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.workflow import send_back, submit_for_review
from tests.roles.factories import published_role

from ..personas import sign_in

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def role(personas):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    return published_role("Synthetic Data Engineer", family=FAMILY, level="junior")


@pytest.fixture
def draft(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    doc = current_document(draft)
    doc["kpis"][0]["target"] = "At most 5% rework"
    return save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)


@pytest.fixture
def in_review(draft, personas):
    return submit_for_review(version=draft, by=personas.editor, note="Tighter rework target\nper quarter")


@pytest.fixture
def editor(client, personas):
    return sign_in(client, personas.editor)


@pytest.fixture
def approver(client, personas):
    return sign_in(client, personas.approver)


# ---- submit ---------------------------------------------------------------------------------------------

def test_submit_page_summarises_the_changes_and_needs_a_change_note(editor, draft):
    url = f"/roles/{draft.role.slug}/edit/submit/"
    page = text(editor.get(url))
    assert "Submit draft v2 for review" in page
    assert "KPIs and productivity metrics" in page and "1 changed" in page
    response = editor.post(url, {"note": "   "})
    assert response.status_code == 200
    assert "Write a change note: say what changed and why." in text(response)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    response = editor.post(url, {"note": "Tighter rework target"})
    assert response.status_code == 302 and response["Location"] == f"/roles/{draft.role.slug}/edit/"
    draft.refresh_from_db()
    assert (draft.status, draft.change_note) == (VersionStatus.IN_REVIEW, "Tighter rework target")
    page = text(editor.get(response["Location"]))
    assert "Submitted v2 of Synthetic Data Engineer for review." in page
    assert "In review — read-only." in page and "Submit for review</a>" not in page


def test_a_draft_in_review_cannot_be_submitted_again(editor, in_review):
    response = editor.post(f"/roles/{in_review.role.slug}/edit/submit/", {"note": "again"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(version=in_review, action="version.submitted").count() == 1


# ---- discard --------------------------------------------------------------------------------------------

def test_discard_asks_first_and_says_what_will_happen(editor, draft):
    url = f"/roles/{draft.role.slug}/edit/discard/"
    page = text(editor.get(url))
    assert "Discard draft v2?" in page
    assert "deletes draft v2 (revision 2) and every change saved in it" in page
    assert "Published v1 stays exactly as it is" in page and "cannot be undone" in page
    assert Role.objects.get(pk=draft.role.pk).versions.count() == 2
    response = editor.post(url)
    assert response.status_code == 302 and response["Location"] == draft.role.get_absolute_url()
    assert draft.role.versions.count() == 1 and draft.role.versions.get().status == VersionStatus.PUBLISHED
    assert "Discarded draft v2. The published version is unchanged." in text(editor.get(response["Location"]))


def test_discarding_is_post_only_a_get_changes_nothing(editor, draft):
    editor.get(f"/roles/{draft.role.slug}/edit/discard/")
    assert draft.role.versions.filter(pk=draft.pk).exists()


# ---- new and duplicated roles -----------------------------------------------------------------------------

def test_new_role_offers_only_the_editors_families_and_opens_the_editor(editor, role, personas):
    FamilyAssignment.objects.create(user=personas.editor, family="Data Platform")
    page = editor.get("/roles/new/").content.decode()
    assert '<option value="Data Platform">' in page and f'<option value="{FAMILY}">' in page
    response = editor.post("/roles/new/", {"title": "Staff Data Engineer", "family": "Data Platform",
                                           "level": "staff", "slug": ""})
    assert response.status_code == 302 and response["Location"] == "/roles/staff-data-engineer/edit/"
    role = Role.objects.get(slug="staff-data-engineer")
    version = role.versions.get()
    assert (version.status, version.family, version.level, version.number) == (
        VersionStatus.DRAFT, "Data Platform", "staff", 1)
    page = text(editor.get(response["Location"]))
    assert "Created Staff Data Engineer with an empty draft v1." in page and "A new role, never published" in page


def test_new_role_refuses_other_families_and_duplicate_slugs_with_errors_in_place(editor, role):
    response = editor.post("/roles/new/", {"title": "Sales Lead", "family": "Sales", "level": "lead"})
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    response = editor.post("/roles/new/", {"title": "Synthetic Data Engineer", "family": FAMILY, "level": "mid"})
    page = text(response)
    assert "A role with the slug 'synthetic-data-engineer' already exists" in page
    assert 'value="Synthetic Data Engineer"' in page  # what was typed stays
    assert Role.objects.count() == 1


def test_admins_type_any_family(client, personas):
    admin = sign_in(client, personas.admin)
    response = admin.post("/roles/new/", {"title": "Head of Sales", "family": "Sales", "level": "director"})
    assert response.status_code == 302
    assert Role.objects.get(slug="head-of-sales").versions.get().family == "Sales"


def test_duplicate_copies_the_content_and_suggests_the_next_level(editor, role):
    url = f"/roles/{role.slug}/duplicate/"
    page = editor.get(url).content.decode()
    assert '<option value="mid" selected>' in page
    response = editor.post(url, {"title": "Mid-level Synthetic Data Engineer", "family": FAMILY, "level": "mid",
                                 "slug": "mid-synthetic-data-engineer"})
    assert response.status_code == 302 and response["Location"] == "/roles/mid-synthetic-data-engineer/edit/"
    copy = Role.objects.get(slug="mid-synthetic-data-engineer").versions.get()
    source_doc, copy_doc = current_document(role.published_version), current_document(copy)
    assert copy_doc["kpis"] == source_doc["kpis"] and copy_doc["tools"] == source_doc["tools"]
    assert (copy_doc["role"]["title"], copy_doc["role"]["level"]) == ("Mid-level Synthetic Data Engineer", "mid")
    assert copy.change_note == f"Duplicated from {role.slug} v1"


# ---- review queue -----------------------------------------------------------------------------------------

def test_review_queue_lists_drafts_in_review_with_who_when_the_note_and_links(approver, in_review, personas):
    page = text(approver.get("/review/"))
    assert "Review queue" in page and "Synthetic Data Engineer" in page
    assert "v2 replaces v1" in page and "Submitted by <strong>Editor</strong>" in page
    assert "Tighter rework target<br>per quarter" in page
    assert f'href="/roles/{in_review.role.slug}/diff/1/2/"' in page
    assert f'href="/roles/{in_review.role.slug}/edit/"' in page
    assert f'action="/review/{in_review.pk}/publish/"' in page
    assert f'action="/review/{in_review.pk}/send-back/"' in page
    assert ">Review</a>" in page  # the top bar's link for approvers


def test_review_queue_is_empty_with_a_helpful_note(approver, draft):
    assert "Nothing to review" in text(approver.get("/review/"))


def test_review_queue_query_count_does_not_grow_with_the_queue(approver, personas, django_assert_max_num_queries):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    counts = []
    for n in range(1, 5):
        role = published_role(f"Queue {n} Engineer", family=FAMILY)
        submit_for_review(version=open_or_start_draft(role=role, by=personas.editor), by=personas.editor, note="x")
        with django_assert_max_num_queries(6) as captured:
            assert approver.get("/review/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1


def test_publishing_archives_the_previous_version_and_says_so(approver, in_review):
    response = approver.post(f"/review/{in_review.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == "/review/"
    in_review.refresh_from_db()
    role = Role.objects.get(pk=in_review.role_id)
    assert in_review.status == VersionStatus.PUBLISHED and role.published_version == in_review
    assert role.versions.get(number=1).status == VersionStatus.ARCHIVED
    page = text(approver.get("/review/"))
    assert "Published v2 of Synthetic Data Engineer. v1 is archived." in page and "Nothing to review" in page


def test_publishing_twice_reports_the_problem(approver, in_review):
    approver.post(f"/review/{in_review.pk}/publish/")
    response = approver.post(f"/review/{in_review.pk}/publish/", follow=True)
    assert "Not published: v2 is published; only a version in review can be published." in text(response)


def test_publish_can_return_to_a_safe_next_page_only(approver, in_review):
    response = approver.post(f"/review/{in_review.pk}/publish/", {"next": "https://evil.example/"})
    assert response["Location"] == "/review/"


def test_send_back_needs_a_comment_shown_in_place_then_the_editor_sees_it(approver, client, in_review, personas):
    url = f"/review/{in_review.pk}/send-back/"
    response = approver.post(url, {f"v{in_review.pk}-comment": " "})
    assert response.status_code == 422
    page = text(response)
    assert "Write a comment: tell the editor what to change." in page
    assert "<details class=\"review-actions__sendback\" open>" in page
    in_review.refresh_from_db()
    assert in_review.status == VersionStatus.IN_REVIEW
    response = approver.post(url, {f"v{in_review.pk}-comment": "Say per quarter in the target"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.status, in_review.review_comment) == (VersionStatus.DRAFT, "Say per quarter in the target")
    editor = sign_in(client, personas.editor)
    page = text(editor.get(f"/roles/{in_review.role.slug}/edit/"))
    assert "Sent back by Approver" in page and "Say per quarter in the target" in page


def test_approvers_publish_from_the_read_only_draft_too(approver, in_review):
    page = text(approver.get(f"/roles/{in_review.role.slug}/edit/"))
    assert f'action="/review/{in_review.pk}/publish/"' in page and "Publish v2" in page
    response = approver.post(f"/review/{in_review.pk}/publish/", {"next": in_review.role.get_absolute_url()})
    assert response["Location"] == in_review.role.get_absolute_url()


def test_a_resubmitted_draft_shows_no_stale_comment(editor, in_review, personas):
    send_back(version=in_review, by=personas.approver, comment="Fix it")
    submit_for_review(version=in_review, by=personas.editor, note="Fixed")
    assert "Sent back by" not in text(editor.get(f"/roles/{in_review.role.slug}/edit/"))


# ---- role page buttons --------------------------------------------------------------------------------------

def test_role_page_shows_edit_only_to_editors_of_its_family(client, role, personas):
    editor_page = text(sign_in(client, personas.editor).get(role.get_absolute_url()))
    assert f'href="/roles/{role.slug}/edit/">Edit blueprint</a>' in editor_page
    assert f'href="/roles/{role.slug}/duplicate/">Duplicate</a>' in editor_page
    hr_page = text(sign_in(client, personas.hr).get(role.get_absolute_url()))
    assert "Edit blueprint" not in hr_page and "Duplicate</a>" not in hr_page and ">Review</a>" not in hr_page
    approver_page = text(sign_in(client, personas.approver).get(role.get_absolute_url()))
    assert "Edit blueprint" not in approver_page and ">Review</a>" in approver_page


def test_the_role_page_body_stays_the_same_for_everyone(client, role, personas):
    """Per-user buttons live outside the cached body, which is byte-for-byte shared by all readers."""
    from .test_role_page import body_of

    bodies = {body_of(sign_in(client, getattr(personas, who)).get(role.get_absolute_url()))
              for who in ("hr", "editor", "approver", "admin")}
    assert len(bodies) == 1 and "Edit blueprint" not in bodies.pop()

