"""Every transition of a blueprint version, who may make it, and what it leaves behind."""
import pytest
from django.core.exceptions import PermissionDenied

from roles.blueprint_format import FormatError
from roles.models import AuditEvent, FamilyAssignment, Role, VersionStatus
from roles.services.drafts import (
    DraftConflict,
    WorkflowError,
    create_role,
    current_document,
    discard_draft,
    duplicate_role,
    open_or_start_draft,
    save_draft,
)
from roles.services.versions import VersionFrozen
from roles.services.workflow import approve, send_back, submit_for_review

from .factories import published_role

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"


@pytest.fixture
def role(personas):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    return published_role("Synthetic Data Engineer", family=FAMILY)


def _edit_first_kpi_target(version, by, target, revision=None):
    doc = current_document(version)
    doc["kpis"][0]["target"] = target
    return save_draft(version=version, document=doc, by=by, revision=revision or version.revision)


def test_full_cycle_draft_review_sent_back_resubmitted_published(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert open_or_start_draft(role=role, by=personas.editor) == draft  # one open draft per role
    draft = _edit_first_kpi_target(draft, personas.editor, "At most 5% rework")
    draft = submit_for_review(version=draft, by=personas.editor, note="Tighter rework target")
    assert draft.status == VersionStatus.IN_REVIEW
    draft = send_back(version=draft, by=personas.approver, comment="Say per quarter")
    assert (draft.status, draft.review_comment) == (VersionStatus.DRAFT, "Say per quarter")
    draft = _edit_first_kpi_target(draft, personas.editor, "At most 5% rework per quarter")
    draft = submit_for_review(version=draft, by=personas.editor, note="Per quarter")
    published = approve(version=draft, by=personas.approver)
    role.refresh_from_db()
    assert role.published_version == published and published.status == VersionStatus.PUBLISHED
    assert role.versions.get(number=1).status == VersionStatus.ARCHIVED
    assert role.versions.get(number=1).kpis.first().target == "60–90% of tasks"
    assert published.kpis.first().target == "At most 5% rework per quarter"
    actions = list(AuditEvent.objects.filter(version=published).order_by("id").values_list("action", "actor__username"))
    assert actions == [("version.created", "editor"), ("version.replaced", "editor"), ("version.submitted", "editor"),
                       ("version.sent_back", "approver"), ("version.replaced", "editor"),
                       ("version.submitted", "editor"), ("version.published", "approver")]


def test_submitting_needs_a_change_note_and_sending_back_needs_a_comment(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    with pytest.raises(WorkflowError, match="change note is required"):
        submit_for_review(version=draft, by=personas.editor, note="  ")
    draft = submit_for_review(version=draft, by=personas.editor, note="x")
    with pytest.raises(WorkflowError, match="comment is required"):
        send_back(version=draft, by=personas.approver, comment="")


def test_only_a_version_in_review_can_be_published_by_the_workflow(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    with pytest.raises(WorkflowError, match="only a version in review can be published"):
        approve(version=draft, by=personas.approver)


def test_a_version_in_review_cannot_be_edited(role, personas):
    draft = submit_for_review(version=open_or_start_draft(role=role, by=personas.editor), by=personas.editor,
                              note="x")
    with pytest.raises(WorkflowError, match="in review"):
        _edit_first_kpi_target(draft, personas.editor, "y")


def test_published_and_archived_versions_never_change(role, personas):
    first = role.published_version
    draft = submit_for_review(version=open_or_start_draft(role=role, by=personas.editor), by=personas.editor,
                              note="x")
    approve(version=draft, by=personas.approver)
    first.refresh_from_db()
    assert first.status == VersionStatus.ARCHIVED
    for frozen in (first, draft):
        frozen.refresh_from_db()
        with pytest.raises(VersionFrozen):
            _edit_first_kpi_target(frozen, personas.admin, "changed")
        with pytest.raises(VersionFrozen):
            discard_draft(version=frozen, by=personas.admin)
        with pytest.raises(VersionFrozen):
            submit_for_review(version=frozen, by=personas.admin, note="x")


def test_a_stale_revision_is_refused_and_says_who_saved_meanwhile(role, personas):
    FamilyAssignment.objects.create(user=personas.admin, family=FAMILY)
    draft = open_or_start_draft(role=role, by=personas.editor)
    loaded_revision = draft.revision
    _edit_first_kpi_target(draft, personas.admin, "Admin's target", revision=loaded_revision)
    with pytest.raises(DraftConflict) as conflict:
        _edit_first_kpi_target(draft, personas.editor, "Editor's target", revision=loaded_revision)
    assert conflict.value.changed_by == ["admin"]
    assert conflict.value.current_document["kpis"][0]["target"] == "Admin's target"
    assert "nothing was saved" in str(conflict.value)
    assert current_document(draft)["kpis"][0]["target"] == "Admin's target"


def test_saving_a_section_validates_and_keeps_the_rest(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    before = current_document(draft)
    doc = {**before, "responsibilities": before["responsibilities"] + [{"category": "technical", "title": "New duty"}]}
    draft = save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)
    after = current_document(draft)
    assert after["responsibilities"][-1] == {"category": "technical", "title": "New duty", "detail": ""}
    assert after["kpis"] == before["kpis"]
    with pytest.raises(FormatError, match=r"responsibilities\[0\].category"):
        save_draft(version=draft, document={**after, "responsibilities": [{"category": "sideways", "title": "x"}]},
                   by=personas.editor, revision=draft.revision)
    assert current_document(draft) == after


def test_discarding_a_draft_keeps_the_published_version(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    discard_draft(version=draft, by=personas.editor)
    role.refresh_from_db()
    assert list(role.versions.values_list("number", "status")) == [(1, "published")]
    assert AuditEvent.objects.filter(role=role, action="version.discarded", actor=personas.editor).exists()


def test_editors_only_edit_their_families_and_cannot_review(role, personas):
    other = published_role("Other Family Designer", family="Design")
    with pytest.raises(PermissionDenied):
        open_or_start_draft(role=other, by=personas.editor)
    draft = open_or_start_draft(role=role, by=personas.editor)
    for persona in (personas.hr, personas.approver, personas.outsider, personas.interviewer1):
        with pytest.raises(PermissionDenied):
            _edit_first_kpi_target(draft, persona, "x")
    draft = submit_for_review(version=draft, by=personas.editor, note="x")
    for persona in (personas.editor, personas.hr, personas.outsider):
        with pytest.raises(PermissionDenied):
            approve(version=draft, by=persona)
        with pytest.raises(PermissionDenied):
            send_back(version=draft, by=persona, comment="no")


def test_create_a_role_from_scratch_and_by_duplicating(role, personas):
    new = create_role(title="Data Steward", family=FAMILY, level="mid", by=personas.editor)
    assert (new.slug, new.level, new.versions.get().status) == ("data-steward", "mid", "draft")
    mid = duplicate_role(source=role, title="Mid Synthetic Data Engineer", level="mid", by=personas.editor)
    doc = current_document(mid.versions.get())
    assert doc["role"]["slug"] == "mid-synthetic-data-engineer" and doc["role"]["level"] == "mid"
    assert doc["kpis"] == current_document(role.published_version)["kpis"]
    with pytest.raises(FormatError, match="already exists"):
        create_role(title="Data Steward", family=FAMILY, level="mid", by=personas.editor)
    with pytest.raises(PermissionDenied):
        create_role(title="Designer", family="Design", level="mid", by=personas.editor)
    assert Role.objects.filter(slug="designer").count() == 0


def test_an_editor_cannot_move_a_role_into_a_family_they_do_not_edit(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    doc = current_document(draft)
    doc["role"]["family"] = "Finance"
    with pytest.raises(PermissionDenied, match="Finance"):
        save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)


def test_a_discarded_drafts_number_is_never_reused(role, personas):
    draft = open_or_start_draft(role=role, by=personas.editor)
    assert draft.number == 2
    discard_draft(version=draft, by=personas.editor)
    again = open_or_start_draft(role=role, by=personas.editor)
    assert again.number == 3
    created = AuditEvent.objects.filter(role=role, action="version.created").order_by("id")
    assert list(created.values_list("version_number", "version")) == [(1, role.published_version.pk), (2, None),
                                                                       (3, again.pk)]
