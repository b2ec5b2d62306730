"""Two approvers publishing at the same moment leave exactly one published version.

Real threads on real connections: this needs PostgreSQL's row locks (SQLite serialises
whole-database writes, which proves nothing). In CI, DATABASE_URL points at PostgreSQL.
"""
import threading

import pytest
from django.db import connection, connections

from roles.blueprint_format.synthetic import make_document
from roles.blueprint_format import validate_document
from roles.models import BlueprintVersion, FamilyAssignment, VersionStatus
from roles.services import versions
from roles.services.drafts import WorkflowError, open_or_start_draft
from roles.services.workflow import approve, submit_for_review

from .factories import published_role

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    """Run each call in its own thread, released together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking races need PostgreSQL (set DATABASE_URL)")


@pytest.mark.services
def test_two_approvers_publishing_the_same_draft_publish_it_once(postgres_only, personas):
    role = published_role("Race Engineer", family="Race Engineering")
    FamilyAssignment.objects.create(user=personas.editor, family="Race Engineering")
    draft = submit_for_review(version=open_or_start_draft(role=role, by=personas.editor), by=personas.editor,
                              note="ready")
    outcomes = _race(lambda: approve(version=draft, by=personas.approver),
                     lambda: approve(version=draft, by=personas.admin))
    published = [o for o in outcomes if isinstance(o, BlueprintVersion)]
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert "only a version in review can be published" in str(refused[0])
    assert BlueprintVersion.objects.filter(role=role, status=VersionStatus.PUBLISHED).count() == 1
    role.refresh_from_db()
    assert role.published_version_id == draft.pk


@pytest.mark.services
def test_publishing_two_versions_of_one_role_at_once_leaves_one_published(postgres_only, personas):
    role = published_role("Twin Engineer")
    doc = validate_document(make_document("Twin Engineer"))
    a = versions.create_version(role=role, doc=doc, change_note="a")
    b = versions.create_version(role=role, doc=doc, change_note="b")
    outcomes = _race(lambda: versions.publish_version(version=a, by=personas.approver),
                     lambda: versions.publish_version(version=b, by=personas.admin))
    assert all(isinstance(o, BlueprintVersion) for o in outcomes), outcomes
    statuses = dict(BlueprintVersion.objects.filter(role=role).values_list("number", "status"))
    assert list(statuses.values()).count(VersionStatus.PUBLISHED) == 1
    role.refresh_from_db()
    assert statuses[role.published_version.number] == VersionStatus.PUBLISHED
