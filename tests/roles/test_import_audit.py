"""What the audit trail of an import says about the file the content came from."""
import json

import pytest

from roles.blueprint_format.synthetic import make_document
from roles.models import AuditEvent, Role, VersionStatus
from roles.services.importing import import_file

pytestmark = pytest.mark.django_db


def test_publishing_a_waiting_draft_on_import_does_not_claim_the_file_as_its_source(personas):
    data = json.dumps(make_document("Audited Engineer")).encode()
    import_file("drafts/from-the-editor.json", data, by=personas.editor)
    result = import_file("fixtures/same-content.json", data, by=personas.approver, publish=True)

    assert (result.action, result.version_number) == ("published", 1)
    role = Role.objects.get(slug="audited-engineer")
    assert role.published_version.status == VersionStatus.PUBLISHED
    notes = dict(AuditEvent.objects.filter(role=role).values_list("action", "note"))
    assert notes["version.created"] == "Imported from drafts/from-the-editor.json"
    assert notes["version.published"] == "Published on import of fixtures/same-content.json, which has the same " \
                                         "content as v1"
