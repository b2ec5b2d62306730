"""Who may do what in the editor and the workflow pages: every persona × every page or action.

Each cell says what the response is (200, 302 after a write, 403, or the login page for anonymous users)
and whether the write happened; refused writes leave the database as it was.
"""
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib.auth.models import Group, User

from roles import permissions
from roles.models import FamilyAssignment, Role, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft
from roles.services.workflow import submit_for_review
from tests.roles.factories import published_role

from ..personas import sign_in
from .test_editor_pages import form_fields

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"
PERSONAS = ("hr", "editor", "other_editor", "approver", "hiring", "interviewer1", "manager", "admin", "outsider",
            "anonymous")
LOGIN = "login"   # anonymous users are sent to the login page
NEW_TARGET = "At least 99% of tasks"


@dataclass
class Ctx:
    role: Role
    draft: object = None


@dataclass(frozen=True)
class Action:
    method: str
    path: Callable[[Ctx], str]
    state: str                                  # "published", "draft" or "in_review": what exists beforehand
    data: Callable[[Ctx, object], dict] = lambda ctx, client: {}
    happened: Callable[[Ctx], bool] | None = None  # for writes: did it take effect?


def _kpi_form(ctx, client):
    """The KPI section as the signed-in editor would post it; others post what an editor would have."""
    url = f"/roles/{ctx.role.slug}/edit/kpis/"
    doc = current_document(ctx.draft)
    data = {"draft": str(ctx.draft.number), "revision": str(ctx.draft.revision), "loaded": "",
            "kpis-TOTAL_FORMS": str(len(doc["kpis"])), "kpis-INITIAL_FORMS": str(len(doc["kpis"])),
            "save": "1"}
    for i, kpi in enumerate(doc["kpis"]):
        data.update({f"kpis-{i}-{k}": v for k, v in kpi.items()})
    data["kpis-0-target"] = NEW_TARGET
    assert url
    return data


def _version_status(ctx) -> str | None:
    version = ctx.role.versions.filter(pk=ctx.draft.pk).first()
    return version.status if version else None


ACTIONS = {
    "editor page": Action("get", lambda c: f"/roles/{c.role.slug}/edit/", "draft"),
    "section page": Action("get", lambda c: f"/roles/{c.role.slug}/edit/kpis/", "draft"),
    "start draft": Action("post", lambda c: f"/roles/{c.role.slug}/edit/", "published",
                          lambda c, cl: {"action": "start"}, lambda c: c.role.versions.count() == 2),
    "save section": Action("post", lambda c: f"/roles/{c.role.slug}/edit/kpis/", "draft", _kpi_form,
                           lambda c: current_document(c.draft)["kpis"][0]["target"] == NEW_TARGET),
    "new role page": Action("get", lambda c: "/roles/new/", "published"),
    "create role": Action("post", lambda c: "/roles/new/", "published",
                          lambda c, cl: {"title": "Lead Data Engineer", "family": FAMILY, "level": "lead"},
                          lambda c: Role.objects.filter(slug="lead-data-engineer").exists()),
    "duplicate role": Action("post", lambda c: f"/roles/{c.role.slug}/duplicate/", "published",
                             lambda c, cl: {"title": "Mid Data Engineer", "family": FAMILY, "level": "mid"},
                             lambda c: Role.objects.filter(slug="mid-data-engineer").exists()),
    "submit": Action("post", lambda c: f"/roles/{c.role.slug}/edit/submit/", "draft",
                     lambda c, cl: {"note": "Ready"}, lambda c: _version_status(c) == VersionStatus.IN_REVIEW),
    "discard": Action("post", lambda c: f"/roles/{c.role.slug}/edit/discard/", "draft",
                      happened=lambda c: _version_status(c) is None),
    "review queue": Action("get", lambda c: "/review/", "in_review"),
    "publish": Action("post", lambda c: f"/review/{c.draft.pk}/publish/", "in_review",
                      happened=lambda c: _version_status(c) == VersionStatus.PUBLISHED),
    "send back": Action("post", lambda c: f"/review/{c.draft.pk}/send-back/", "in_review",
                        lambda c, cl: {f"v{c.draft.pk}-comment": "Please add a target"},
                        lambda c: _version_status(c) == VersionStatus.DRAFT),
}

E, O, A, R = "editor", "other_editor", "admin", "approver"
# Who is allowed, per action; everyone else signed in gets 403 and anonymous users the login page.
# (other_editor may open the create pages, but the family they post is not theirs: the form refuses it, 200.)
ALLOWED = {
    "editor page": {E: 200, R: 200, A: 200},
    "section page": {E: 200, R: 200, A: 200},
    "start draft": {E: 302, A: 302},
    "save section": {E: 302, A: 302},
    "new role page": {E: 200, O: 200, A: 200},
    "create role": {E: 302, O: 200, A: 302},
    "duplicate role": {E: 302, O: 200, A: 302},
    "submit": {E: 302, A: 302},
    "discard": {E: 302, A: 302},
    "review queue": {R: 200, A: 200},
    "publish": {R: 302, A: 302},
    "send back": {R: 302, A: 302},
}
MATRIX = [(action, persona, LOGIN if persona == "anonymous" else ALLOWED[action].get(persona, 403))
          for action in ACTIONS for persona in PERSONAS]


def _other_editor() -> User:
    user = User.objects.create_user("other_editor", "other@example.com", "demo", first_name="Other")
    user.groups.set([Group.objects.get_or_create(name=g)[0] for g in (permissions.HR, permissions.EDITORS)])
    FamilyAssignment.objects.create(user=user, family="Other Family")
    return user


@pytest.mark.parametrize("action_name,persona,expected", MATRIX, ids=[f"{a}-{p}" for a, p, _ in MATRIX])
def test_permission_matrix(client, personas, action_name, persona, expected):
    action = ACTIONS[action_name]
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    users = {"other_editor": _other_editor(), **{name: getattr(personas, name) for name in PERSONAS
                                                 if hasattr(personas, name)}}
    ctx = Ctx(role=published_role("Synthetic Data Engineer", family=FAMILY))
    if action.state in ("draft", "in_review"):
        ctx.draft = open_or_start_draft(role=ctx.role, by=personas.editor)
    if action.state == "in_review":
        ctx.draft = submit_for_review(version=ctx.draft, by=personas.editor, note="Ready")
    if persona != "anonymous":
        sign_in(client, users[persona])
    roles_before = Role.objects.count()

    response = getattr(client, action.method)(action.path(ctx), action.data(ctx, client))

    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected, response.content[:300]
    if action.happened is not None:
        allowed = expected == 302
        assert action.happened(ctx) is allowed
        if not allowed and action_name not in ("create role", "duplicate role"):
            assert Role.objects.count() == roles_before
        if not allowed and ctx.draft is not None and _version_status(ctx) is not None:
            ctx.draft.refresh_from_db()
            assert ctx.draft.revision == 1


def test_matrix_covers_every_persona_and_action():
    assert len(MATRIX) == len(ACTIONS) * len(PERSONAS)
    assert all(set(allowed) <= set(PERSONAS) for allowed in ALLOWED.values())


def test_an_editor_of_another_family_sees_no_edit_button_and_cannot_open_the_editor(client, personas):
    role = published_role("Synthetic Data Engineer", family=FAMILY)
    sign_in(client, _other_editor())
    assert "Edit blueprint" not in client.get(role.get_absolute_url()).content.decode()
    assert client.get(f"/roles/{role.slug}/edit/").status_code == 403


def test_form_fields_helper_matches_the_real_form(client, personas):
    """The matrix posts a hand-built KPI form; it must be what the page itself submits."""
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    role = published_role("Synthetic Data Engineer", family=FAMILY)
    ctx = Ctx(role=role, draft=open_or_start_draft(role=role, by=personas.editor))
    sign_in(client, personas.editor)
    real = form_fields(client.get(f"/roles/{role.slug}/edit/kpis/"))
    built = _kpi_form(ctx, client)
    assert {k for k in real if k.startswith("kpis-") and "FORMS" not in k} == {
        k for k in built if k.startswith("kpis-") and "FORMS" not in k}
