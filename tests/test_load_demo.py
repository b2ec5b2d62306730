"""load_demo gives a fresh portal its users, groups, teams and the published seed, idempotently."""
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from hiring.models import Opening
from hiring.selectors import candidate_summary
from kpis.models import Team
from roles.models import BlueprintVersion, Role

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "hr": {"HR"}, "editor": {"HR", "Editors"}, "approver": {"HR", "Approvers"},
    "hiring": {"HR", "Hiring managers"}, "interviewer1": {"Interviewers"}, "interviewer2": {"Interviewers"},
    "manager": {"HR", "People managers"}, "admin": {"Admins"},
}


def test_load_demo_creates_users_teams_and_the_published_seed_and_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    for username, groups in DEMO_USERS.items():
        user = authenticate(username=username, password="demo")
        assert user is not None, username
        assert set(user.groups.values_list("name", flat=True)) == groups
    assert User.objects.get(username="admin").is_superuser
    editor = User.objects.get(username="editor")
    assert list(editor.family_assignments.values_list("family", flat=True)) == ["Applied AI Engineering"]
    assert Team.objects.count() == 3 and Team.objects.get(name="Applied AI").manager.username == "manager"
    role = Role.objects.get(slug="junior-applied-ai-engineer")
    assert role.published_version.number == 1
    assert role.published_version.source_url.startswith("https://")
    assert role.published_version.kpis.count() == 19

    opening = Opening.objects.get()
    assert (opening.role, opening.version, opening.hiring_manager.username) == (role, role.published_version, "hiring")
    candidate = opening.candidates.get()
    summary = candidate_summary(candidate, user=opening.hiring_manager)
    assert [c.interviewer.username for c in summary.cards] == ["interviewer1", "interviewer2"]
    assert summary.weighted_score is not None and summary.tally["yes"] == summary.tally["strong_yes"] == 1

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "junior-applied-ai-engineer: unchanged (v1)" in out.getvalue()
    assert "hiring demo already loaded" in out.getvalue() and Opening.objects.count() == 1
    assert BlueprintVersion.objects.count() == 1 and User.objects.count() == len(DEMO_USERS)
