"""The Django admin writes nothing that only a service may write.

A published or archived version never changes, and the audit trails, scorecards, decisions, measurements and
rollups are written by services only (with their checks and audit rows). This walks EVERY model registered in
admin.site as a superuser, for rows of a published and of an archived version where the model has them: the add,
change and delete pages (GET and POST), the bulk delete action, and the inline formsets of the version page; then
checks that every protected row, the versions' content hash, revision (their ETag) and document are exactly
as before. A model registered later fails the guard test until it is classified here.
"""
import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.tokens import issue_token
from hiring.models import DimensionRating, HiringDecision, HiringEvent, Interview, Opening, Scorecard
from hiring.models import ScorecardAmendment
from hiring.services.openings import add_candidate, open_opening, plan_interview
from hiring.services.scorecards import RatingInput, amend, record_decision, save_draft as save_scorecard, submit
from kpis.models import Measurement, Metric, Rollup, RollupQueue, RollupState
from kpis.services.measurements import MeasurementRow, period_start, record_measurements
from kpis.services.people import add_person, assign, ensure_team
from kpis.services.rollups import claim_queue, run_rollup
from roles.api.preconditions import etag
from roles.blueprint_format.rows import CONTENT_MODELS
from roles.models import AuditEvent, BlueprintVersion, FamilyAssignment, Role, Skill, Tool, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.workflow import approve, submit_for_review

from .roles.factories import published_role

pytestmark = pytest.mark.django_db
FAMILY = "Immutable Engineering"

VIEW_ONLY, EDITABLE = "view only", "editable"

# Every model the admin registers: (kind, the ORM path from the model to the version its rows belong to, or
# None when its rows belong to no version, why). View-only models refuse add, change and delete outright;
# editable ones may not name a version or its content rows in any form field, and their rows that belong to a
# version may neither be added nor deleted through the admin.
ADMIN_MODELS = {
    "roles.role": (VIEW_ONLY, "versions", "title, family and level mirror the published version; the slug is in "
                                          "every version's document; roles are created and duplicated in the "
                                          "editor, with an audit row"),
    "roles.blueprintversion": (VIEW_ONLY, "pk", "published and archived versions never change; drafts are "
                                                "edited in the editor, which bumps the revision and audits"),
    "roles.skill": (VIEW_ONLY, "technical_uses__version", "renaming one renames it in every published version"),
    "roles.tool": (VIEW_ONLY, "usages__version", "renaming one renames it in every published version"),
    "roles.auditevent": (VIEW_ONLY, "version", "the audit trail is written by the services only"),
    "roles.familyassignment": (EDITABLE, None, "who edits which family: an admin's decision"),
    "kpis.team": (EDITABLE, None, "people data"),
    "kpis.person": (EDITABLE, None, "people data"),
    "kpis.assignment": (EDITABLE, None, "people data"),
    "kpis.metric": (EDITABLE, "role__versions", "only its target rule, through kpis.services.metrics.correct_rule"),
    "kpis.measurement": (VIEW_ONLY, None, "written by the measurement services"),
    "kpis.rollup": (VIEW_ONLY, None, "computed by the rollup task"),
    "kpis.rollupstate": (VIEW_ONLY, None, "the rollup task's watermark"),
    "kpis.rollupqueue": (VIEW_ONLY, None, "claimed by writes, freed by the rollup task"),
    "hiring.opening": (EDITABLE, "version", "title, status, blind mode, hiring manager; the pin is re-pinned on "
                                           "the opening page"),
    "hiring.candidate": (EDITABLE, "opening__version", "contact details and stage"),
    "hiring.interview": (EDITABLE, "candidate__opening__version", "the schedule"),
    "hiring.scorecard": (VIEW_ONLY, "interview__candidate__opening__version", "filled, submitted and amended by "
                                                                             "its interviewer, with audit"),
    "hiring.scorecardamendment": (VIEW_ONLY, "scorecard__interview__candidate__opening__version", "audit"),
    "hiring.hiringdecision": (VIEW_ONLY, "candidate__opening__version", "recorded with a reason and audit"),
    "hiring.hiringevent": (VIEW_ONLY, "opening__version", "the hiring audit trail"),
    "auth.user": (EDITABLE, None, "accounts"),
    "auth.group": (EDITABLE, None, "accounts"),
    "accounts.apitoken": (VIEW_ONLY, None, "created and revoked by their owners; only a digest is stored"),
    "django_celery_beat.periodictask": (EDITABLE, None, "schedules"),
    "django_celery_beat.clockedschedule": (EDITABLE, None, "schedules"),
    "django_celery_beat.crontabschedule": (EDITABLE, None, "schedules"),
    "django_celery_beat.solarschedule": (EDITABLE, None, "schedules"),
    "django_celery_beat.intervalschedule": (EDITABLE, None, "schedules"),
}
VERSION_CONTENT = {BlueprintVersion, *CONTENT_MODELS}
# Rows written by services only: compared, all of them, before and after each walk.
PROTECTED = [*CONTENT_MODELS, BlueprintVersion, Role, Skill, Tool, AuditEvent, Measurement, Rollup, RollupState,
             RollupQueue,
             Scorecard, DimensionRating, Scorecard.red_flags.through, ScorecardAmendment,
             HiringDecision, HiringEvent, Interview.focus_dimensions.through]
PINS = {Opening: ("role_id", "version_id"), Interview: ("candidate_id", "interviewer_id"),
        Metric: ("role_id", "key", "synced_version_id")}


def _label(model) -> str:
    return model._meta.label_lower


REGISTERED = sorted(admin.site._registry, key=_label)


@dataclass
class World:
    published: BlueprintVersion
    archived: BlueprintVersion
    draft: BlueprintVersion


def _panel(opening, hiring, first, second):
    """A candidate with a submitted and amended scorecard, a draft scorecard and a decision."""
    candidate = add_candidate(opening=opening, by=hiring, name=f"Casey {opening.pk}", email=f"c{opening.pk}@ex.com")
    start = timezone.now() - datetime.timedelta(hours=2)
    done, drafting = (plan_interview(candidate=candidate, by=hiring, stage_name=f"Round {n}", interviewer=who,
                                     starts_at=start, ends_at=start + datetime.timedelta(hours=1),
                                     focus_dimensions=[opening.version.scorecard.first()])
                      for n, who in ((1, first), (2, second)))
    flag = opening.version.items.filter(group="red_flags").first()
    card = save_scorecard(card=done.scorecards.get(), by=first, recommendation="yes", red_flags=[flag.pk],
                          ratings={d.pk: RatingInput(3) for d in opening.version.scorecard.all()})
    submit(card=card, by=first)
    amend(card=card, by=first, reason="Re-read my notes", key_takeaways="Solid")
    save_scorecard(card=drafting.scorecards.get(), by=second, key_takeaways="thinking")
    record_decision(candidate=candidate, by=hiring, decision="hold", reason="One more round")


@pytest.fixture
def world(personas) -> World:
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    role = published_role("Immutable Engineer", family=FAMILY)
    archived = role.published_version
    _panel(open_opening(role=role, by=personas.hiring), personas.hiring, personas.interviewer1, personas.interviewer2)
    draft = open_or_start_draft(role=role, by=personas.editor)
    document = current_document(draft)
    document["kpis"][0]["target"] = "at least 95%"
    draft = save_draft(version=draft, document=document, by=personas.editor, revision=draft.revision)
    published = approve(version=submit_for_review(version=draft, by=personas.editor, note="Stricter"),
                        by=personas.approver)
    role.refresh_from_db()
    _panel(open_opening(role=role, by=personas.hiring), personas.hiring, personas.interviewer1, personas.interviewer2)
    team = ensure_team(name="Immutables", manager=personas.manager)
    person = add_person(name="Ivy", email="ivy@example.com")
    assign(person=person, role=role, team=team, starts_on=datetime.date(2020, 1, 1))
    metric = Metric.objects.filter(role=role).order_by("position").first()
    record_measurements(rows=[MeasurementRow(metric.pk, period_start(timezone.localdate(), metric.grain), 90.0,
                                             person.pk)], by=personas.admin, source="api")
    run_rollup(full=True)
    claim_queue()  # a write's claim on the rollup queue (sent after commit, which a test never reaches)
    issue_token(user=personas.admin, name="immutability")
    archived.refresh_from_db()
    assert (archived.status, published.status) == (VersionStatus.ARCHIVED, VersionStatus.PUBLISHED)
    return World(published=published, archived=archived, draft=open_or_start_draft(role=role, by=personas.editor))


def snapshot(world: World) -> dict:
    """Every protected row, the pins of the editable rows, and each version's ETag, hash and document."""
    rows = {_label(model): list(model._default_manager.order_by("pk").values()) for model in PROTECTED}
    rows.update({_label(model): list(model.objects.order_by("pk").values_list(*fields))
                 for model, fields in PINS.items()})
    for version in (world.published, world.archived, world.draft):
        fresh = BlueprintVersion.objects.get(pk=version.pk)
        rows[f"version {version.pk}"] = (etag(fresh), fresh.content_hash, current_document(fresh))
    return rows


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _objects(model, world: World, user) -> list:
    """The rows the admin lists that belong to the published and to the archived version (else the first row)."""
    model_admin = admin.site._registry[model]
    queryset = model_admin.get_queryset(_request(user)).order_by("pk")
    path = ADMIN_MODELS[_label(model)][1]
    if path is None:
        return list(queryset[:1])
    found = [queryset.filter(**{path: version.pk}).first() for version in (world.published, world.archived)]
    assert all(found), f"the world has no {_label(model)} row of a published and of an archived version"
    return found


def _post_data(obj) -> dict:
    """The row as a form would post it, with one text field changed."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None and not isinstance(value, models.Model):
            data[name] = value
    text = next((f.name for f in obj._meta.concrete_fields
                 if isinstance(f, (models.CharField, models.TextField)) and not f.choices and f.editable), None)
    if text is not None:
        data[text] = f"{data.get(text, '')} (changed in the admin)"
    return {**data, "_save": "Save"}


def _inline_data(version: BlueprintVersion) -> dict:
    """The version page as posted with every inline formset: each first row changed, one row added."""
    data = _post_data(version)
    for related in version._meta.related_objects:
        if related.related_model not in CONTENT_MODELS:
            continue
        prefix = related.get_accessor_name()
        rows = list(getattr(version, prefix).all()[:1])
        data.update({f"{prefix}-TOTAL_FORMS": len(rows) + 1, f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in _post_data(row).items()
                         if name != "_save"})
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-DELETE"] = "on"
        data.update({f"{prefix}-{len(rows)}-{name}": value for name, value in _post_data(rows[0]).items()
                     if name not in ("_save", "id")} if rows else {})
    return data


def _refused(response) -> bool:
    return response.status_code == 403


def walk_view_only(client, model, world: World, user) -> None:
    assert client.get(_url(model, "changelist")).status_code == 200
    objects = _objects(model, world, user)
    assert objects, f"the world has no {_label(model)} row to walk"
    assert _refused(client.get(_url(model, "add"))), f"{_label(model)}: the add page opens"
    assert _refused(client.post(_url(model, "add"), _post_data(objects[0]))), f"{_label(model)}: add accepted"
    for obj in objects:
        page = client.get(_url(model, "change", obj.pk))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), \
            f"{_label(model)} {obj.pk}: the change page offers to save"
        assert _refused(client.post(_url(model, "change", obj.pk), _post_data(obj))), \
            f"{_label(model)} {obj.pk}: change accepted"
        assert _refused(client.get(_url(model, "delete", obj.pk))), f"{_label(model)} {obj.pk}: delete page opens"
        assert _refused(client.post(_url(model, "delete", obj.pk), {"post": "yes"})), \
            f"{_label(model)} {obj.pk}: delete accepted"
        client.post(_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk],
                                                "post": "yes"})
        assert client.get(_url(model, "history", obj.pk)).status_code == 200
    if model is BlueprintVersion:
        for version in (world.published, world.archived, world.draft):
            response = client.post(_url(model, "change", version.pk), _inline_data(version))
            assert _refused(response), f"v{version.number} ({version.status}): the inline formsets were accepted"


def walk_editable(client, model, world: World, user) -> None:
    model_admin = admin.site._registry[model]
    request = _request(user)
    assert client.get(_url(model, "changelist")).status_code == 200
    objects = _objects(model, world, user)
    for obj in objects:
        assert client.get(_url(model, "change", obj.pk)).status_code == 200
        forms = [(model, model_admin.get_form(request, obj))]
        forms += [(inline.model, inline.get_formset(request, obj).form)
                  for inline in model_admin.get_inline_instances(request, obj)]
        for form_model, form in forms:
            for name in form.base_fields:
                field = next((f for f in form_model._meta.get_fields() if f.name == name), None)
                assert not (field is not None and field.is_relation and field.related_model in VERSION_CONTENT), \
                    f"{_label(model)}: the form field {form_model.__name__}.{name} points at a version's content"
    if ADMIN_MODELS[_label(model)][1] is None:
        return
    assert _refused(client.get(_url(model, "add"))), f"{_label(model)}: rows pinned to a version are added here"
    for obj in objects:
        client.post(_url(model, "delete", obj.pk), {"post": "yes"})
        assert model.objects.filter(pk=obj.pk).exists(), f"{_label(model)} {obj.pk} was deleted"


def test_every_model_of_the_admin_is_classified():
    registered = {_label(model) for model in admin.site._registry}
    assert registered - ADMIN_MODELS.keys() == set(), "classify these admin models in ADMIN_MODELS"
    assert ADMIN_MODELS.keys() - registered == set(), "these are no longer registered; remove them"


def test_a_version_s_content_rows_have_no_admin_pages_of_their_own(client, personas, world):
    client.force_login(personas.admin)
    for model in CONTENT_MODELS:
        assert model not in admin.site._registry, f"{model.__name__} has admin pages of its own"
        with pytest.raises(NoReverseMatch):
            _url(model, "changelist")
        row = model.objects.filter(version=world.published).first()
        for path in (f"/admin/roles/{model._meta.model_name}/{row.pk}/change/",
                     f"/admin/roles/{model._meta.model_name}/add/"):
            assert client.get(path).status_code == 404, path
            assert client.post(path, _post_data(row)).status_code == 404, path


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_the_admin_changes_no_row_that_only_services_write(client, personas, world, model):
    client.force_login(personas.admin)
    before = snapshot(world)
    walk = walk_view_only if ADMIN_MODELS[_label(model)][0] == VIEW_ONLY else walk_editable
    walk(client, model, world, personas.admin)
    after = snapshot(world)
    assert after.keys() == before.keys()
    changed = [key for key in before if after[key] != before[key]]
    assert changed == [], f"the admin pages of {_label(model)} changed {changed}"


def test_the_version_page_shows_the_content_rows_read_only(client, personas, world):
    client.force_login(personas.admin)
    for version in (world.published, world.archived, world.draft):
        page = client.get(_url(BlueprintVersion, "change", version.pk)).content.decode()
        kpi = version.kpis.first()
        assert kpi.name in page and 'name="_save"' not in page and 'name="kpis-0-name"' not in page
        assert "edit it in the portal's editor" in page.lower()


def test_an_opening_s_pin_cannot_be_moved_in_the_admin(client, personas, world):
    client.force_login(personas.admin)
    opening = Opening.objects.get(version=world.archived)
    data = {"title": "Renamed opening", "role": opening.role_id, "version": world.draft.pk,
            "hiring_manager": opening.hiring_manager_id, "status": opening.status, "blind_mode": "never",
            "_save": "Save"}
    response = client.post(_url(Opening, "change", opening.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    opening.refresh_from_db()
    assert (opening.title, opening.blind_mode, opening.version_id) == ("Renamed opening", "never", world.archived.pk)


def test_audit_events_can_only_be_looked_at(client, personas, world):
    client.force_login(personas.admin)
    model_admin = admin.site._registry[AuditEvent]
    request = _request(personas.admin)
    event = AuditEvent.objects.filter(version=world.published).first()
    assert model_admin.has_view_permission(request, event)
    assert not any((model_admin.has_add_permission(request), model_admin.has_change_permission(request, event),
                    model_admin.has_delete_permission(request, event)))
    assert "delete_selected" not in model_admin.get_actions(request)
