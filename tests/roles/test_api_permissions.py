"""What the roles API adds to the portal-wide authorization matrix (tests/test_authorization_matrix.py, every
API method × every persona): a role's history as each persona sees it, token authentication, and CSRF on
session writes."""
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from accounts.tokens import issue_token
from roles import permissions
from roles.models import BlueprintVersion, FamilyAssignment
from roles.services.drafts import current_document, open_or_start_draft
from roles.services.workflow import submit_for_review

from .factories import published_role

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"


@pytest.fixture
def world(personas):
    """Three roles of one family: one only published, one with a draft, one with a version in review."""
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    other_editor = User.objects.create_user("other_editor", password="demo")
    other_editor.groups.add(Group.objects.get_or_create(name=permissions.EDITORS)[0])
    FamilyAssignment.objects.create(user=other_editor, family="Design")
    fresh = published_role("Fresh Data Engineer", family=FAMILY)
    drafted = published_role("Drafted Data Engineer", family=FAMILY)
    draft = open_or_start_draft(role=drafted, by=personas.admin)
    reviewed = published_role("Reviewed Data Engineer", family=FAMILY)
    review = submit_for_review(version=open_or_start_draft(role=reviewed, by=personas.admin), by=personas.admin,
                               note="Ready for review")
    users = {name: getattr(personas, name) for name in ("hr", "editor", "approver", "hiring", "interviewer1",
                                                         "manager", "admin", "outsider")}
    users.update(other_editor=other_editor, anonymous=None)
    return SimpleNamespace(fresh=fresh, drafted=drafted, draft=draft, reviewed=reviewed, review=review, users=users)


def test_history_of_a_role_hides_its_draft_from_readers(world):
    for persona, numbers in [("hr", [1]), ("other_editor", [1]), ("editor", [2, 1]), ("approver", [2, 1])]:
        client = APIClient()
        client.force_login(world.users[persona])
        rows = client.get(f"/api/v1/roles/{world.drafted.slug}/versions/").json()["results"]
        assert [row["number"] for row in rows] == numbers, persona


def test_token_authentication_reads_and_writes_like_a_session(world):
    _, key = issue_token(user=world.users["editor"], name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/roles/").json()["count"] == 3
    created = client.post(f"/api/v1/roles/{world.fresh.slug}/draft/")
    assert created.status_code == 201
    draft = BlueprintVersion.objects.get(pk=created.json()["id"])
    assert draft.created_by == world.users["editor"]
    saved = client.patch(f"/api/v1/versions/{draft.pk}/", {"document": {"kpis": []}}, HTTP_IF_MATCH=created["ETag"])
    assert saved.status_code == 200 and current_document(draft)["kpis"] == []
    assert client.post(f"/api/v1/versions/{draft.pk}/publish/").status_code == 403  # still an editor

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused = client.get("/api/v1/roles/")
    assert refused.status_code == 401 and refused.json()["detail"] == "Invalid token."


def test_session_writes_need_the_csrf_token_tokens_do_not(world):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.users["editor"])
    refused = browser.post(f"/api/v1/roles/{world.fresh.slug}/draft/")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert world.fresh.versions.count() == 1

    script = APIClient(enforce_csrf_checks=True)
    script.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=world.users['editor'], name='script')[1]}")
    assert script.post(f"/api/v1/roles/{world.fresh.slug}/draft/").status_code == 201
