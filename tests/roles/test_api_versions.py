"""/api/v1/versions/<id>/ and /api/v1/roles/<slug>/draft/: the read/write cycle with ETags, immutability of
published and archived versions, and the review workflow, all through the services."""
import pytest
from rest_framework.test import APIClient

from roles.models import AuditEvent, BlueprintVersion, FamilyAssignment, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft
from roles.services.workflow import approve, submit_for_review

from .factories import published_role

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"


@pytest.fixture
def role(personas):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    return published_role("Synthetic Data Engineer", family=FAMILY)


@pytest.fixture
def as_user():
    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client
    return client_for


@pytest.fixture
def editor(as_user, personas):
    return as_user(personas.editor)


@pytest.fixture
def approver(as_user, personas):
    return as_user(personas.approver)


@pytest.fixture
def draft(role, personas):
    return open_or_start_draft(role=role, by=personas.editor)


def url(version, action: str = "") -> str:
    return f"/api/v1/versions/{version.pk}/" + (f"{action}/" if action else "")


def etag(version) -> str:
    version.refresh_from_db()
    return f'"{version.pk}-r{version.revision}"'


def snapshot(version) -> tuple:
    """What a refused write must leave untouched: state, revision, content."""
    version = BlueprintVersion.objects.get(pk=version.pk)
    return version.status, version.revision, version.content_hash, current_document(version)


# --- opening a draft ---------------------------------------------------------------------------------------

def test_posting_draft_creates_it_once_from_the_published_version(editor, role):
    created = editor.post(f"/api/v1/roles/{role.slug}/draft/")
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["status"], body["revision"]) == (2, "draft", 1)
    assert body["document"] == current_document(role.published_version)
    assert created["Location"] == f"http://testserver/api/v1/versions/{body['id']}/"
    assert created["ETag"] == f'"{body["id"]}-r1"'
    again = editor.post(f"/api/v1/roles/{role.slug}/draft/")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert role.versions.count() == 2


# --- reading and writing with ETags ------------------------------------------------------------------------

def test_get_then_put_with_if_match_saves_and_moves_the_etag(editor, draft, personas):
    got = editor.get(url(draft))
    assert got.status_code == 200
    assert set(got.json()) == {"id", "number", "status", "revision", "document"}
    assert got["ETag"] == f'"{draft.pk}-r1"'
    document = got.json()["document"]
    document["kpis"][0]["target"] = "At most 5% rework"

    put = editor.put(url(draft), {"document": document}, HTTP_IF_MATCH=got["ETag"])
    assert put.status_code == 200
    assert put["ETag"] == f'"{draft.pk}-r2"' and put.json()["revision"] == 2
    assert put.json()["document"] == document
    assert current_document(draft)["kpis"][0]["target"] == "At most 5% rework"
    event = AuditEvent.objects.filter(version=draft, action="version.replaced").get()
    assert (event.actor, event.note) == (personas.editor, "Replaced through the API")
    assert editor.get(url(draft), HTTP_IF_NONE_MATCH=put["ETag"]).status_code == 304


def test_a_stale_if_match_is_412_with_the_current_version_and_saves_nothing(as_user, personas, draft):
    FamilyAssignment.objects.create(user=personas.admin, family=FAMILY)
    editor, admin = as_user(personas.editor), as_user(personas.admin)
    loaded = editor.get(url(draft))
    theirs = loaded.json()["document"]
    theirs["kpis"][0]["target"] = "Admin's target"
    assert admin.put(url(draft), {"document": theirs}, HTTP_IF_MATCH=loaded["ETag"]).status_code == 200
    before = snapshot(draft)

    mine = loaded.json()["document"]
    mine["kpis"][0]["target"] = "Editor's target"
    refused = editor.put(url(draft), {"document": mine}, HTTP_IF_MATCH=loaded["ETag"])
    assert refused.status_code == 412
    body = refused.json()
    assert body["current_revision"] == 2
    assert body["current"]["revision"] == 2 and body["current"]["document"]["kpis"][0]["target"] == "Admin's target"
    assert "saved by admin since you opened it" in body["detail"]
    assert refused["ETag"] == f'"{draft.pk}-r2"'
    assert snapshot(draft) == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_writing_without_if_match_is_428_and_saves_nothing(editor, draft, method):
    before = snapshot(draft)
    response = getattr(editor, method)(url(draft), {"document": {"kpis": []}})
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert snapshot(draft) == before


@pytest.mark.parametrize("if_match", ['"999999-r1"', "r1", '"{pk}-r0"', '"{pk}-r7"', '"{pk}-r1-extra"'])
def test_an_if_match_naming_another_version_or_revision_is_412(editor, draft, if_match):
    before = snapshot(draft)
    document = current_document(draft)
    document["kpis"] = []
    response = editor.put(url(draft), {"document": document}, HTTP_IF_MATCH=if_match.format(pk=draft.pk))
    assert response.status_code == 412
    assert response.json()["current"]["id"] == draft.pk
    assert snapshot(draft) == before


def test_a_weak_etag_counts_as_the_same_revision(editor, draft):
    document = current_document(draft)
    document["kpis"] = document["kpis"][:1]
    response = editor.put(url(draft), {"document": document}, HTTP_IF_MATCH=f"W/{etag(draft)}")
    assert response.status_code == 200 and len(response.json()["document"]["kpis"]) == 1


def test_patch_replaces_only_the_top_level_keys_it_names(editor, draft, personas):
    before = current_document(draft)
    kpis = [{"name": "Rework rate", "measures": "Share of tasks reopened", "target": "<5%", "frequency": "Monthly"}]
    response = editor.patch(url(draft), {"document": {"kpis": kpis}}, HTTP_IF_MATCH=etag(draft))
    assert response.status_code == 200
    after = current_document(draft)
    assert after["kpis"] == [{**kpis[0], "rationale": ""}]
    assert {k: v for k, v in after.items() if k != "kpis"} == {k: v for k, v in before.items() if k != "kpis"}
    assert response.json()["document"] == after and response.json()["revision"] == 2
    assert AuditEvent.objects.get(version=draft, action="version.replaced").note == "Edited kpis through the API"


# --- bad input is a 400 with a detail, never a 500 ---------------------------------------------------------

def test_an_invalid_document_is_400_naming_the_place(editor, draft):
    before = snapshot(draft)
    document = current_document(draft)
    document["kpis"][3]["name"] = 42
    response = editor.put(url(draft), {"document": document}, HTTP_IF_MATCH=etag(draft))
    assert response.status_code == 400
    assert response.json() == {"detail": "kpis[3].name: expected text, got a number", "where": "kpis[3].name"}
    assert snapshot(draft) == before


@pytest.mark.parametrize(("body", "content_type", "where"), [
    ('{"document": ', "application/json", None),                 # malformed JSON
    ("[1, 2]", "application/json", ""),                           # not an object
    ('{"document": "all of it"}', "application/json", "document"),
    ('{"document": {}}', "application/json", "document"),
    ('{"kpis": []}', "application/json", "document"),             # forgot the wrapper
    ('{"document": {"role": null}}', "application/json", "role"),
    ('{"document": {"kpis": {"name": "x"}}}', "application/json", "kpis"),
    ('{"document": {"role": {"slug": "another-role", "title": "X"}}}', "application/json", "role.slug"),
    ('{"document": {"colour": "blue"}}', "application/json", "document"),
    ('{"document": {"kpis": [{"name": "a\\u0000b"}]}}', "application/json", "document.kpis[0].name"),  # NUL
    ("document=x", "application/x-www-form-urlencoded", "document"),
])
def test_malformed_bodies_are_400_with_a_readable_detail(editor, draft, body, content_type, where):
    before = snapshot(draft)
    response = editor.generic("PATCH", url(draft), body, content_type=content_type, HTTP_IF_MATCH=etag(draft))
    assert response.status_code == 400, response.content
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    if where is not None:
        assert response.json()["where"] == where
    assert snapshot(draft) == before


def test_workflow_bodies_with_wrong_types_are_400(editor, draft):
    for body in ('{"note": ["a", "list"]}', '{"note": {"a": 1}}', '"just text"'):
        response = editor.generic("POST", url(draft, "submit"), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["detail"], body
    assert BlueprintVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


# --- published and archived versions never change --------------------------------------------------------

def test_published_and_archived_versions_refuse_every_write_with_409(as_user, personas, role, draft):
    admin = as_user(personas.admin)
    first = role.published_version
    approve(version=submit_for_review(version=draft, by=personas.editor, note="x"), by=personas.approver)
    first.refresh_from_db()
    assert (first.status, BlueprintVersion.objects.get(pk=draft.pk).status) == ("archived", "published")
    for client in (as_user(personas.editor), admin):
        for frozen in (first, draft):
            before = snapshot(frozen)
            document = current_document(frozen)
            document["kpis"] = []
            responses = [
                client.put(url(frozen), {"document": document}, HTTP_IF_MATCH=etag(frozen)),
                client.patch(url(frozen), {"document": {"kpis": []}}, HTTP_IF_MATCH=etag(frozen)),
                client.patch(url(frozen), {"document": {"kpis": []}}),  # 409 says more than 428 here
                client.delete(url(frozen), HTTP_IF_MATCH=etag(frozen)),
                client.post(url(frozen, "submit"), {"note": "again"}),
            ]
            for response in responses:
                assert response.status_code == 409, response.content
                assert response.json()["detail"].endswith("cannot change; edit a new draft instead")
            assert responses[0].json()["detail"] == (
                f"{role.slug} v{frozen.number} is {frozen.status} and cannot change; edit a new draft instead")
            assert snapshot(frozen) == before


def test_a_version_in_review_refuses_writes_with_409(editor, draft, personas):
    submit_for_review(version=draft, by=personas.editor, note="Ready")
    before = snapshot(draft)
    response = editor.patch(url(draft), {"document": {"kpis": []}}, HTTP_IF_MATCH=etag(draft))
    assert response.status_code == 409
    assert "in review" in response.json()["detail"]
    assert snapshot(draft) == before


# --- the review workflow --------------------------------------------------------------------------------

def test_editor_submits_and_approver_publishes_through_the_api(editor, approver, role, personas):
    draft = editor.post(f"/api/v1/roles/{role.slug}/draft/").json()
    version = BlueprintVersion.objects.get(pk=draft["id"])
    kpis = draft["document"]["kpis"]
    kpis[0]["target"] = "At most 5% rework"
    assert editor.patch(url(version), {"document": {"kpis": kpis}}, HTTP_IF_MATCH=etag(version)).status_code == 200

    refused = editor.post(url(version, "submit"), {})
    assert refused.status_code == 409 and "change note is required" in refused.json()["detail"]
    submitted = editor.post(url(version, "submit"), {"note": "Tighter rework target"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"

    assert editor.post(url(version, "publish")).status_code == 403
    published = approver.post(url(version, "publish"), {"note": ""})
    assert published.status_code == 200 and published.json()["status"] == "published"

    role.refresh_from_db()
    first = role.versions.get(number=1)
    assert role.published_version_id == version.pk and first.status == VersionStatus.ARCHIVED
    assert BlueprintVersion.objects.get(pk=version.pk).change_note == "Tighter rework target"
    page = approver.get(f"/api/v1/roles/{role.slug}/")
    assert page["X-Blueprint-Version"] == "2" and page.json()["kpis"][0]["target"] == "At most 5% rework"
    assert approver.get(url(first)).json()["document"]["kpis"][0]["target"] != "At most 5% rework"
    again = approver.post(url(version, "publish"))
    assert again.status_code == 409 and "only a version in review can be published" in again.json()["detail"]


def test_approver_rejects_with_a_comment_and_the_draft_is_editable_again(editor, approver, draft, personas, role):
    editor.post(url(draft, "submit"), {"note": "Ready"})
    refused = approver.post(url(draft, "reject"), {"comment": "  "})
    assert refused.status_code == 409 and "comment is required" in refused.json()["detail"]
    rejected = approver.post(url(draft, "reject"), {"comment": "Say per quarter"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "draft"
    draft.refresh_from_db()
    assert (draft.status, draft.review_comment) == (VersionStatus.DRAFT, "Say per quarter")
    history = editor.get(f"/api/v1/roles/{role.slug}/versions/").json()["results"]
    assert history[0]["review_comment"] == "Say per quarter" and history[0]["change_note"] == "Ready"
    patched = editor.patch(url(draft), {"document": {"kpis": []}}, HTTP_IF_MATCH=etag(draft))
    assert patched.status_code == 200


def test_workflow_steps_honour_an_if_match_when_one_is_sent(editor, draft):
    stale = f'"{draft.pk}-r0"'
    response = editor.post(url(draft, "submit"), {"note": "Ready"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and response.json()["current_revision"] == 1
    assert BlueprintVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert editor.post(url(draft, "submit"), {"note": "Ready"}, HTTP_IF_MATCH=etag(draft)).status_code == 200


def test_deleting_a_draft_discards_it_and_keeps_the_published_version(editor, draft, role):
    assert editor.delete(url(draft)).status_code == 428
    assert editor.delete(url(draft), HTTP_IF_MATCH=etag(draft)).status_code == 204
    assert list(role.versions.values_list("number", "status")) == [(1, "published")]
    assert editor.get(url(draft)).status_code == 404


# --- history ------------------------------------------------------------------------------------------

def test_history_lists_drafts_only_to_those_who_may_see_them(as_user, personas, role, draft):
    expected_all = [(2, "draft"), (1, "published")]
    for persona, expected in [("editor", expected_all), ("approver", expected_all), ("admin", expected_all),
                              ("hr", [(1, "published")]), ("hiring", [(1, "published")])]:
        response = as_user(getattr(personas, persona)).get(f"/api/v1/roles/{role.slug}/versions/")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [(r["number"], r["status"]) for r in rows] == expected, persona
    row = as_user(personas.hr).get(f"/api/v1/roles/{role.slug}/versions/").json()["results"][0]
    published = role.published_version
    assert row["id"] == published.pk and row["revision"] == published.revision
    assert row["created_by"] is None and row["published_by"] is None  # imported by a command
    assert row["url"] == f"http://testserver/api/v1/versions/{published.pk}/"
    assert set(row) == {"id", "number", "status", "revision", "change_note", "review_comment", "created_by",
                        "created_at", "published_by", "published_at", "url"}
    mine = as_user(personas.editor).get(f"/api/v1/roles/{role.slug}/versions/").json()["results"][0]
    assert mine["created_by"] == "editor"
