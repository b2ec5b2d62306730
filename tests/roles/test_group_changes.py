"""A change of a user's groups applies to their open session on its very next request (it took up to
PORTAL_GROUPS_MAX_AGE seconds, 60 by default, because the session keeps the group names)."""
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roles import permissions
from roles.group_changes import groups_version

from ..personas import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_session(client, personas):
    sign_in(client, personas.hr)
    assert client.get("/roles/").status_code == 200
    return client


def _hr():
    return Group.objects.get(name=permissions.HR)


@pytest.mark.parametrize("revoke", [
    lambda user: user.groups.remove(_hr()),
    lambda user: user.groups.clear(),
    lambda user: user.groups.set([]),
    lambda user: _hr().user_set.remove(user),
    lambda user: _hr().user_set.clear(),
    lambda user: _hr().delete(),
    lambda user: _rename_hr(),
], ids=["user.groups.remove", "user.groups.clear", "user.groups.set", "group.user_set.remove",
        "group.user_set.clear", "group deleted", "group renamed"])
def test_revoking_a_group_applies_on_the_next_request(hr_session, personas, django_capture_on_commit_callbacks,
                                                      revoke):
    with django_capture_on_commit_callbacks(execute=True):
        revoke(personas.hr)
    assert hr_session.get("/roles/").status_code == 403


def _rename_hr():
    group = _hr()
    group.name = "Former HR"
    group.save()


def test_granting_a_group_applies_on_the_next_request(client, personas, django_capture_on_commit_callbacks):
    sign_in(client, personas.outsider)
    assert client.get("/roles/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        _hr().user_set.add(personas.outsider)
    assert client.get("/roles/").status_code == 200


def test_the_version_lives_in_the_shared_cache_and_only_the_changed_users_move(personas,
                                                                               django_capture_on_commit_callbacks):
    """Sessions are served by any process: the version is in the cache they share, not in one process's memory."""
    before = {u.pk: groups_version(u.pk) for u in (personas.hr, personas.editor)}
    with django_capture_on_commit_callbacks(execute=True):
        personas.hr.groups.remove(_hr())
    assert cache.get(f"portal:groups-version:{personas.hr.pk}") not in (None, before[personas.hr.pk])
    assert groups_version(personas.editor.pk) == before[personas.editor.pk]


def test_an_unchanged_session_reads_no_groups(hr_session):
    """The check is one cache read, not a query: pages keep their query counts."""
    with CaptureQueriesContext(connection) as queries:
        assert hr_session.get("/roles/").status_code == 200
    assert not [q for q in queries.captured_queries if "auth_user_groups" in q["sql"]]
