"""Invariants the database itself enforces, whatever code path writes."""
import pytest
from django.db import IntegrityError, transaction

from roles.models import KPI, BlueprintItem, BlueprintVersion, Role, Section, VersionStatus
from roles.services.versions import VersionFrozen, publish_version, replace_content

from .factories import draft_role, published_role

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_role_cannot_have_two_published_versions():
    role = published_role("Constraint Engineer")
    with pytest.raises(IntegrityError), transaction.atomic():
        BlueprintVersion.objects.create(role=role, number=2, status=VersionStatus.PUBLISHED, title="x")


def test_slugs_are_unique():
    published_role("Slug Engineer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(title="Other", slug="slug-engineer", family="x")


def test_positions_are_unique_within_a_list():
    version = draft_role("Order Engineer").versions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        KPI.objects.create(version=version, position=0, name="Duplicate position")
    with pytest.raises(IntegrityError), transaction.atomic():
        BlueprintItem.objects.create(version=version, section=Section.RISKS, position=0, group="challenges", text="x")
    # The same position in another section is fine: positions are per list.
    assert version.items.filter(position=0).values("section").distinct().count() > 1


def test_version_numbers_are_unique_per_role():
    role = draft_role("Number Engineer")
    with pytest.raises(IntegrityError), transaction.atomic():
        BlueprintVersion.objects.create(role=role, number=1, title="x")


def test_publishing_archives_the_previous_version_and_moves_the_pointer(personas):
    from roles.blueprint_format.synthetic import make_document
    from roles.services.importing import import_document

    role = published_role("Pointer Engineer")
    first = role.published_version
    doc = make_document("Pointer Engineer")
    doc["role"]["summary"] = "A new summary."
    result = import_document(doc)
    second = role.versions.get(number=result.version_number)
    publish_version(version=second, by=personas.approver)
    for obj in (role, first, second):
        obj.refresh_from_db()
    assert role.published_version == second and first.status == VersionStatus.ARCHIVED
    assert second.published_by == personas.approver and second.published_at is not None
    assert role.audit.filter(action="version.published", actor=personas.approver, version=second).exists()


def test_published_and_archived_versions_refuse_changes_through_the_services():
    from roles.blueprint_format import validate_document
    from roles.blueprint_format.synthetic import make_document

    role = published_role("Frozen Engineer")
    version = role.published_version
    doc = validate_document(make_document("Frozen Engineer"))
    with pytest.raises(VersionFrozen, match="frozen-engineer v1 is published and cannot change"):
        replace_content(version=version, doc=doc)
    with pytest.raises(VersionFrozen):
        publish_version(version=version)
