"""A published or archived version never changes, on every path that writes blueprint content: the API, the
importer, the draft and workflow services, and those services called from a shell with a stale copy of the
version. Each refusal says why, and leaves every content row (ids included), the content hash and the ETag
as they were. The admin is walked in tests/test_admin_immutability.py."""
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from roles.blueprint_format.rows import CONTENT_MODELS
from roles.blueprint_format.synthetic import make_document
from roles.models import BlueprintVersion, FamilyAssignment, VersionStatus
from roles.services import versions as version_services
from roles.services.drafts import (
    WorkflowError,
    current_document,
    discard_draft,
    open_or_start_draft,
    save_draft,
)
from roles.services.importing import import_document
from roles.services.versions import VersionFrozen
from roles.services.workflow import approve, send_back, submit_for_review

pytestmark = pytest.mark.django_db
FAMILY = "Frozen Engineering"
TITLE = "Frozen Engineer"


@pytest.fixture
def frozen(personas) -> tuple[BlueprintVersion, BlueprintVersion]:
    """(archived v1, published v2) of one role; the editor edits its family."""
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    import_document(make_document(TITLE, family=FAMILY), publish=True)
    import_document(make_document(TITLE, family=FAMILY, seed=1), publish=True)
    archived, published = BlueprintVersion.objects.filter(role__slug="frozen-engineer").order_by("number")
    assert (archived.status, published.status) == (VersionStatus.ARCHIVED, VersionStatus.PUBLISHED)
    return archived, published


def state(version: BlueprintVersion) -> tuple:
    """Everything a refused write must leave as it was: the version row, every content row (ids included), the
    ETag the API sends, and the document read from the database."""
    row = BlueprintVersion.objects.filter(pk=version.pk).values().get()
    content = {model.__name__: list(model.objects.filter(version_id=version.pk).order_by("pk").values())
               for model in CONTENT_MODELS}
    client = APIClient()
    client.force_authenticate(User.objects.get(username="hr"))
    tag = client.get(f"/api/v1/versions/{version.pk}/")["ETag"]
    return row, content, tag, current_document(BlueprintVersion.objects.get(pk=version.pk))


def _message(version: BlueprintVersion) -> str:
    return f"frozen-engineer v{version.number} is {version.status} and cannot change; edit a new draft instead"


def test_the_api_refuses_put_patch_delete_and_submit_with_409_and_changes_nothing(personas, frozen):
    client = APIClient()
    client.force_authenticate(personas.editor)
    for version in frozen:
        before = state(version)
        tag = before[2]
        document = current_document(version)
        document["kpis"][0]["target"] = "changed through the API"
        url = f"/api/v1/versions/{version.pk}/"
        responses = [client.put(url, {"document": document}, format="json", HTTP_IF_MATCH=tag),
                     client.patch(url, {"document": {"kpis": []}}, format="json", HTTP_IF_MATCH=tag),
                     client.delete(url, HTTP_IF_MATCH=tag),
                     client.post(f"{url}submit/", {"note": "again"}, format="json")]
        assert [(r.status_code, r.json()["detail"]) for r in responses] == [(409, _message(version))] * 4
        assert state(version) == before


def test_reimporting_onto_a_published_version_starts_a_new_draft_and_leaves_it_as_it_was(frozen):
    before = [state(version) for version in frozen]
    result = import_document(make_document(TITLE, family=FAMILY, seed=2))
    assert (result.action, result.version_number) == ("new_version", 3)
    assert [state(version) for version in frozen] == before
    assert import_document(make_document(TITLE, family=FAMILY, seed=1)).action == "updated_draft"  # v3, not v2
    assert [state(version) for version in frozen] == before


def test_reimporting_with_publish_archives_the_published_version_and_keeps_its_content(frozen):
    _, published = frozen
    before = state(published)
    result = import_document(make_document(TITLE, family=FAMILY, seed=2), publish=True)
    assert (result.action, result.version_number) == ("new_version", 3)
    row, content, tag, document = state(published)
    assert row["status"] == VersionStatus.ARCHIVED
    assert (content, tag, document) == before[1:]
    unchanged = set(row) - {"status", "updated_at"}
    assert {key: row[key] for key in unchanged} == {key: before[0][key] for key in unchanged}


def test_the_draft_and_workflow_services_refuse_a_frozen_version_and_change_nothing(personas, frozen):
    for version in frozen:
        before = state(version)
        document = current_document(version)
        document["kpis"][0]["target"] = "changed by a service"
        calls = [
            lambda: save_draft(version=version, document=document, by=personas.editor, revision=version.revision),
            lambda: discard_draft(version=version, by=personas.editor),
            lambda: submit_for_review(version=version, by=personas.editor, note="again"),
            lambda: version_services.replace_content(version=version, doc=document, by=personas.admin),
            lambda: version_services.publish_version(version=version, by=personas.admin),
        ]
        for call in calls:
            with pytest.raises(VersionFrozen, match=_message(version)):
                call()
        for call in (lambda: approve(version=version, by=personas.approver),
                     lambda: send_back(version=version, by=personas.approver, comment="no")):
            with pytest.raises(WorkflowError):
                call()
        assert state(version) == before


def test_a_stale_copy_of_a_since_published_draft_cannot_write_into_it(personas, frozen):
    """A shell session (or a slow request) holding the draft from before it was published."""
    _, published = frozen
    stale = open_or_start_draft(role=published.role, by=personas.editor)
    approve(version=submit_for_review(version=stale, by=personas.editor, note="ready"), by=personas.approver)
    now_published = BlueprintVersion.objects.get(pk=stale.pk)
    assert (stale.status, now_published.status) == (VersionStatus.DRAFT, VersionStatus.PUBLISHED)
    before = state(now_published)
    document = current_document(now_published)
    document["kpis"] = []
    with pytest.raises(VersionFrozen, match=_message(now_published)):
        version_services.replace_content(version=stale, doc=document, by=personas.admin)
    with pytest.raises(VersionFrozen):
        save_draft(version=stale, document=document, by=personas.editor, revision=stale.revision)
    with pytest.raises(VersionFrozen):
        discard_draft(version=stale, by=personas.editor)
    assert state(now_published) == before
