"""Who may do what through the API: each persona × each action, allowed or refused, and what it leaves behind.

The API asks the same roles.permissions through the same services as the pages: HR and the other portal
groups read; editors write drafts of their families; approvers publish and send back; admins do everything;
a signed-in user in no group gets 403 on everything; anonymous requests get 401.
"""
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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


def _etag(version: BlueprintVersion) -> str:
    return f'"{version.pk}-r{version.revision}"'


def _changed_kpis(version: BlueprintVersion) -> dict:
    document = current_document(version)
    document["kpis"] = document["kpis"][:2]
    return document


ACTIONS = {
    "list": lambda c, w: c.get("/api/v1/roles/"),
    "detail": lambda c, w: c.get(f"/api/v1/roles/{w.fresh.slug}/"),
    "versions": lambda c, w: c.get(f"/api/v1/roles/{w.drafted.slug}/versions/"),
    "draft_create": lambda c, w: c.post(f"/api/v1/roles/{w.fresh.slug}/draft/"),
    "draft_get": lambda c, w: c.get(f"/api/v1/versions/{w.draft.pk}/"),
    "put": lambda c, w: c.put(f"/api/v1/versions/{w.draft.pk}/", {"document": _changed_kpis(w.draft)},
                              HTTP_IF_MATCH=_etag(w.draft)),
    "put_published": lambda c, w: c.put(f"/api/v1/versions/{w.fresh.published_version_id}/",
                                        {"document": _changed_kpis(w.fresh.published_version)},
                                        HTTP_IF_MATCH=_etag(w.fresh.published_version)),
    "submit": lambda c, w: c.post(f"/api/v1/versions/{w.draft.pk}/submit/", {"note": "Shorter KPI list"}),
    "publish": lambda c, w: c.post(f"/api/v1/versions/{w.review.pk}/publish/"),
    "reject": lambda c, w: c.post(f"/api/v1/versions/{w.review.pk}/reject/", {"comment": "Not yet"}),
}
READS = {"list", "detail", "versions", "draft_get"}
READER = (200, 200, 200, 403, 404, 404, 403, 404, 404, 404)  # a draft is invisible (404), not forbidden

#                 list detail versions draft_create draft_get put put_published submit publish reject
EXPECTED = {
    "hr":           READER,
    "hiring":       READER,
    "interviewer1": READER,
    "manager":      READER,
    "other_editor": READER,  # an editor, but of the "Design" family
    "editor":       (200, 200, 200, 201, 200, 200, 409, 200, 403, 403),
    "approver":     (200, 200, 200, 403, 200, 403, 403, 403, 200, 200),
    "admin":        (200, 200, 200, 201, 200, 200, 409, 200, 200, 200),
    "outsider":     (403,) * 10,
    "anonymous":    (401,) * 10,
}
CASES = [(persona, action, EXPECTED[persona][i]) for persona in EXPECTED for i, action in enumerate(ACTIONS)]


def _state() -> list[tuple]:
    """Every version's number, status, revision, content and review comment: what a write changes."""
    return list(BlueprintVersion.objects.order_by("pk").values_list(
        "pk", "number", "status", "revision", "content_hash", "review_comment"))


@pytest.mark.parametrize(("persona", "action", "expected"), CASES, ids=[f"{p}-{a}" for p, a, _ in CASES])
def test_permission_matrix(world, persona, action, expected):
    client = APIClient()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    before = _state()

    response = ACTIONS[action](client, world)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    # Reads never write; a write changes the database exactly when it is allowed.
    allowed_write = action not in READS and expected < 300
    assert (_state() != before) == allowed_write


def test_history_of_a_role_hides_its_draft_from_readers(world):
    for persona, numbers in [("hr", [1]), ("other_editor", [1]), ("editor", [2, 1]), ("approver", [2, 1])]:
        client = APIClient()
        client.force_login(world.users[persona])
        rows = client.get(f"/api/v1/roles/{world.drafted.slug}/versions/").json()["results"]
        assert [row["number"] for row in rows] == numbers, persona


def test_token_authentication_reads_and_writes_like_a_session(world):
    token = Token.objects.create(user=world.users["editor"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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
    script.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['editor']).key}")
    assert script.post(f"/api/v1/roles/{world.fresh.slug}/draft/").status_code == 201
