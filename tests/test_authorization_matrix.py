"""Who gets what, for the whole portal: every URL pattern and every API action × every persona.

One world (tests/authz_world.py) holds each persona and something they must not see: drafts, a
version in review, a role that only exists as a draft, another interviewer's scorecard, candidates,
another team's measurements. Each of those carries a marker string, and every response of the matrix
is searched for the markers its persona is not in the audience of (pages, JSON, CSV and file exports
alike). Writes that are refused must leave the database exactly as it was; writes that are allowed
must change it.

The table is checked against the URL resolver: a new URL pattern or API method without a row fails
`test_every_url_pattern_and_api_action_has_a_row`.
"""
import json
import logging
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve

from accounts.models import ApiToken
from common.models import StagedUpload
from hiring.models import Scorecard
from kpis.models import Metric
from roles.models import BlueprintVersion
from roles.services.drafts import current_document, duplicate_role

from .authz_world import (AUDIENCE, FAMILY, HR_READERS, MEMBERS, OTHER_FAMILY, PERSONAS, SIGNED_IN, Marker, World,
                          build_world, forbidden_markers)

LOGIN = "login"              # 302 to the portal's sign-in page
ADMIN_LOGIN = "admin login"  # 302 to the admin's sign-in page
KPI_READERS = HR_READERS | {"admin", "manager", "other_manager"}
RECORDERS = {"admin", "manager", "other_manager"}
GROUPS = {"members": MEMBERS, "kpi_readers": KPI_READERS, "recorders": RECORDERS}


def expect(base=403, *, anonymous=LOGIN, **who) -> dict[str, int | str]:
    """Every persona's outcome: `base` unless named (a persona, or a group of GROUPS); later names win."""
    table = dict.fromkeys(SIGNED_IN, base)
    table["anonymous"] = anonymous
    for name, outcome in who.items():
        for persona in GROUPS.get(name, (name,)):
            table[persona] = outcome
    return table


def api(base=403, **who) -> dict[str, int | str]:
    """The API answers anonymous requests 401 and users in no portal group 403."""
    return expect(base, anonymous=401, **{"outsider": 403, **who})


@dataclass(frozen=True)
class Row:
    method: str
    route: str                      # the resolver's pattern, converters dropped: /roles/<slug>/edit/
    url: str                        # formatted with the World's attributes: /roles/{role.slug}/edit/
    expect: dict
    label: str = ""                 # which object, where one pattern has several rows
    data: Callable[[World], object] | None = None
    json: bool = False
    headers: Callable[[World], dict] | None = None
    writers: frozenset = frozenset()    # personas whose request changes the database
    state: Callable[[World], object] | None = None  # what such a write changes besides row counts
    shows: tuple = ()               # markers the body must hold for their audience on a 2xx answer
    never: tuple = ()               # markers no one may get here (a published page never shows a draft)
    sent: tuple = ()                # markers the request itself carries: echoing them back leaks nothing

    def id_for(self, persona: str) -> str:
        outcome = self.expect[persona]
        shown = {LOGIN: "302 to login", ADMIN_LOGIN: "302 to admin login"}.get(outcome, outcome)
        label = f" [{self.label}]" if self.label else ""
        return f"{self.method} {self.route}{label} as {persona} -> {shown}"


def GET(route, url, expected, **kw) -> Row:
    return Row("GET", route, url, expected, **kw)


def POST(route, url, expected, **kw) -> Row:
    return Row("POST", route, url, expected, **kw)


def W(*personas) -> frozenset:
    return frozenset(p for name in personas for p in GROUPS.get(name, (name,)))


# ---------- what the writes send ----------

def _revision(version) -> int:
    return BlueprintVersion.objects.values_list("revision", flat=True).get(pk=version.pk)


def _kpi_section(w: World) -> dict:
    """The KPI section of the draft as its editor's browser posts it, with one target changed."""
    kpis = current_document(w.draft)["kpis"]
    data = {"draft": str(w.draft.number), "revision": str(_revision(w.draft)), "loaded": "", "save": "1",
            "kpis-TOTAL_FORMS": str(len(kpis)), "kpis-INITIAL_FORMS": str(len(kpis))}
    for i, kpi in enumerate(kpis):
        data.update({f"kpis-{i}-{k}": v for k, v in kpi.items()})
    data["kpis-0-target"] = "At least 99% of tasks"
    return data


def _ratings(w: World, card) -> dict:
    return {f"rating-{r.dimension_id}": "3" for r in card.ratings.all()}


def _if_match(version) -> dict:
    return {"HTTP_IF_MATCH": f'"{version.pk}-r{_revision(version)}"'}


def _csv(w: World) -> dict:
    text = f"metric,email,team,date,value,note\n{w.metric.key},{w.ids['person_a_email']},,{w.period},80,\n"
    return {"role": w.role.pk, "file": SimpleUploadedFile("week.csv", text.encode(), content_type="text/csv")}


def _version_state(version) -> tuple | None:
    return BlueprintVersion.objects.filter(pk=version.pk).values_list("status", "revision", "review_comment").first()


def _card_state(w: World) -> tuple:
    card = Scorecard.objects.filter(pk=w.card.pk).values_list("status", "key_takeaways").get()
    return card, tuple(w.card.ratings.order_by("pk").values_list("rating", "evidence"))


def _token_state(w: World) -> tuple:
    return tuple(ApiToken.objects.filter(pk=w.ids["editor_token"]).values_list("revoked_at", flat=True))


def _metric_state(w: World) -> tuple:
    return Metric.objects.filter(pk=w.metric.pk).values_list("rule_kind", "rule_low", "rule_high").get()


# ---------- the table ----------

EDITORS_OF_ROLE = dict(editor=200, approver=200, admin=200)        # may see the role's drafts
ON_OPENING = dict(hiring_manager=200, interviewer=200, admin=200)   # the opening's hiring team
NOT_ON_TEAM = 404                                                    # hiring: outside the team it does not exist
# A draft scorecard is read by its interviewer only; the rest of the hiring team gets 403 (pages) or 404 (API).
DRAFT_ON_PAGE = dict(hiring_manager=403, interviewer=200, admin=403)

PUBLIC_ROWS = [
    GET("/", "/", expect(302, anonymous=302), label="to the catalog"),
    GET("/accounts/login/", "/accounts/login/", expect(200, anonymous=200)),
    POST("/accounts/logout/", "/accounts/logout/", expect(302, anonymous=302)),
    GET("/api/schema/", "/api/schema/", expect(200, anonymous=200)),
    GET("/api/docs/", "/api/docs/", expect(200, anonymous=200)),
    GET("/healthz", "/healthz", expect(200, anonymous=200)),
    GET("/static/<path>", "/static/css/portal.css", expect(200, anonymous=200), label="WhiteNoise, not the resolver"),
    GET("/api/v1/<rest>", "/api/v1/no-such-thing/", expect(404, anonymous=404)),
]

ADMIN_ROWS = [
    GET("/admin/", "/admin/", expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200)),
    GET("/admin/login/", "/admin/login/", expect(200, anonymous=200, admin=302)),
    GET("/admin/<app>/<model>/", "/admin/roles/blueprintversion/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200), label="versions"),
    GET("/admin/<app>/<model>/", "/admin/hiring/candidate/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200), label="candidates", shows=(Marker.CANDIDATE,)),
    GET("/admin/<app>/<model>/", "/admin/hiring/scorecard/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200), label="scorecards"),
    GET("/admin/<app>/<model>/<id>/change/", "/admin/hiring/scorecard/{card.pk}/change/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=302), label="someone else's draft"),
    GET("/admin/<app>/<model>/<id>/change/", "/admin/hiring/scorecard/{panel_card.pk}/change/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200), label="a submitted scorecard",
        shows=(Marker.CARD_SUBMITTED,)),
    GET("/admin/<app>/<model>/", "/admin/kpis/measurement/",
        expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200), label="measurements"),
    GET("/admin/<app>/<model>/", "/admin/auth/user/", expect(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200),
        label="users"),
]

ROLE_ROWS = [
    GET("/roles/", "/roles/", expect(members=200)),
    GET("/roles/", "/roles/?q=stealth", expect(members=200), label="searching a draft-only title"),
    GET("/roles/new/", "/roles/new/", expect(editor=200, other_editor=200, admin=200)),
    POST("/roles/new/", "/roles/new/", expect(editor=302, other_editor=200, admin=302), label="in the family",
         data=lambda w: {"title": "Matrix Created Engineer", "family": FAMILY, "level": "mid"},
         writers=W("editor", "admin")),
    GET("/roles/<slug>/", "/roles/{role.slug}/", expect(members=200), label="published, with a draft",
        never=(Marker.DRAFT,)),
    GET("/roles/<slug>/", "/roles/{hidden_role.slug}/", expect(members=404), label="draft only"),
    GET("/roles/<slug>/export.<fmt>", "/roles/{role.slug}/export.json", expect(members=200), label="published",
        never=(Marker.DRAFT,)),
    GET("/roles/<slug>/export.<fmt>", "/roles/{role.slug}/export.md?version={draft.number}",
        expect(members=404, **EDITORS_OF_ROLE), label="the draft", shows=(Marker.DRAFT,)),
    GET("/roles/<slug>/export.<fmt>", "/roles/{hidden_role.slug}/export.yaml",
        expect(members=404, **EDITORS_OF_ROLE), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    GET("/import/", "/import/", expect(admin=200)),
    POST("/import/", "/import/", expect(admin=200), label="no files"),
    GET("/roles/<slug>/versions/", "/roles/{role.slug}/versions/", expect(members=200)),
    GET("/roles/<slug>/versions/", "/roles/{review_role.slug}/versions/", expect(members=200),
        label="a version in review", shows=(Marker.REVIEW,)),
    GET("/roles/<slug>/versions/", "/roles/{hidden_role.slug}/versions/", expect(members=404, **EDITORS_OF_ROLE),
        label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    GET("/roles/<slug>/versions/<number>/", "/roles/{role.slug}/versions/1/", expect(members=200),
        label="published", never=(Marker.DRAFT,)),
    GET("/roles/<slug>/versions/<number>/", "/roles/{role.slug}/versions/{draft.number}/",
        expect(members=404, **EDITORS_OF_ROLE), label="the draft", shows=(Marker.DRAFT,)),
    GET("/roles/<slug>/versions/<number>/", "/roles/{hidden_role.slug}/versions/1/",
        expect(members=404, **EDITORS_OF_ROLE), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    GET("/roles/<slug>/diff/<a>/<b>/", "/roles/{role.slug}/diff/1/{draft.number}/",
        expect(members=404, **EDITORS_OF_ROLE), label="published to draft", shows=(Marker.DRAFT,)),
    GET("/roles/<slug>/job-posting/", "/roles/{role.slug}/job-posting/", expect(members=200),
        never=(Marker.DRAFT,)),
    GET("/roles/<slug>/job-posting/", "/roles/{hidden_role.slug}/job-posting/", expect(members=404),
        label="draft only"),
    POST("/roles/<slug>/job-posting/", "/roles/{role.slug}/job-posting/", expect(members=200), label="preview",
         data=lambda w: {"text": "# Matrix posting", "action": "preview"}),
    GET("/compare/", "/compare/", expect(members=200)),
    GET("/compare/<a>/<b>/", "/compare/{role.slug}/{other_role.slug}/", expect(members=200),
        never=(Marker.DRAFT, Marker.OTHER_DRAFT)),
    GET("/compare/<a>/<b>/", "/compare/{role.slug}/{hidden_role.slug}/", expect(members=404), label="draft only"),
    GET("/roles/<slug>/edit/", "/roles/{role.slug}/edit/", expect(**EDITORS_OF_ROLE)),
    GET("/roles/<slug>/edit/", "/roles/{other_role.slug}/edit/",
        expect(other_editor=200, approver=200, admin=200), label="another family"),
    GET("/roles/<slug>/edit/<anchor>/", "/roles/{other_role.slug}/edit/summary/",
        expect(other_editor=200, approver=200, admin=200), label="another family", shows=(Marker.OTHER_DRAFT,)),
    GET("/roles/<slug>/edit/", "/roles/{hidden_role.slug}/edit/", expect(members=404, **EDITORS_OF_ROLE),
        label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    GET("/roles/<slug>/edit/<anchor>/", "/roles/{hidden_role.slug}/edit/summary/",
        expect(members=404, **EDITORS_OF_ROLE), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    POST("/roles/<slug>/edit/", "/roles/{fresh_role.slug}/edit/", expect(editor=302, admin=302),
         label="start a draft", data=lambda w: {"action": "start"}, writers=W("editor", "admin")),
    GET("/roles/<slug>/edit/<anchor>/", "/roles/{role.slug}/edit/summary/", expect(**EDITORS_OF_ROLE),
        shows=(Marker.DRAFT,)),
    POST("/roles/<slug>/edit/<anchor>/", "/roles/{role.slug}/edit/kpis/", expect(editor=302, admin=302),
         label="save", data=_kpi_section, writers=W("editor", "admin"), state=lambda w: _version_state(w.draft)),
    GET("/roles/<slug>/edit/submit/", "/roles/{role.slug}/edit/submit/", expect(editor=200, admin=200)),
    GET("/roles/<slug>/edit/submit/", "/roles/{hidden_role.slug}/edit/submit/",
        expect(members=404, editor=200, approver=403, admin=200), label="draft only"),
    POST("/roles/<slug>/edit/submit/", "/roles/{role.slug}/edit/submit/", expect(editor=302, admin=302),
         data=lambda w: {"note": "Ready for review"}, writers=W("editor", "admin"),
         state=lambda w: _version_state(w.draft)),
    GET("/roles/<slug>/edit/discard/", "/roles/{role.slug}/edit/discard/", expect(editor=200, admin=200)),
    GET("/roles/<slug>/edit/discard/", "/roles/{hidden_role.slug}/edit/discard/",
        expect(members=404, editor=200, approver=403, admin=200), label="draft only"),
    POST("/roles/<slug>/edit/discard/", "/roles/{role.slug}/edit/discard/", expect(editor=302, admin=302),
         writers=W("editor", "admin")),
    GET("/roles/<slug>/duplicate/", "/roles/{role.slug}/duplicate/", expect(editor=200, other_editor=200, admin=200)),
    GET("/roles/<slug>/duplicate/", "/roles/{hidden_role.slug}/duplicate/",
        expect(members=404, editor=200, approver=403, admin=200), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    POST("/roles/<slug>/duplicate/", "/roles/{role.slug}/duplicate/", expect(editor=302, other_editor=200, admin=302),
         label="into the family", data=lambda w: {"title": "Matrix Copy Engineer", "family": FAMILY,
                                                  "level": "senior"}, writers=W("editor", "admin")),
    POST("/roles/<slug>/duplicate/", "/roles/{hidden_role.slug}/duplicate/",
         expect(members=404, editor=200, approver=403, admin=302), label="a draft-only role into another family",
         data=lambda w: {"title": "Matrix Stolen Engineer", "family": OTHER_FAMILY, "level": "senior"},
         writers=W("admin")),
    GET("/review/", "/review/", expect(approver=200, admin=200)),
    POST("/review/<pk>/publish/", "/review/{review.pk}/publish/", expect(approver=302, admin=302),
         writers=W("approver", "admin"), state=lambda w: _version_state(w.review)),
    POST("/review/<pk>/send-back/", "/review/{review.pk}/send-back/", expect(approver=302, admin=302),
         data=lambda w: {f"v{w.review.pk}-comment": "Add a target"}, writers=W("approver", "admin"),
         state=lambda w: _version_state(w.review)),
]

HIRING_ROWS = [
    GET("/hiring/", "/hiring/", expect(members=200)),
    GET("/hiring/openings/new/", "/hiring/openings/new/", expect(hiring_manager=200, admin=200)),
    POST("/hiring/openings/new/", "/hiring/openings/new/", expect(hiring_manager=302, admin=302),
         data=lambda w: {"role": w.fresh_role.pk, "title": "Matrix opening", "blind_mode": "after_submit"},
         writers=W("hiring_manager", "admin")),
    GET("/hiring/openings/<pk>/", "/hiring/openings/{opening.pk}/", expect(NOT_ON_TEAM, **ON_OPENING),
        shows=(Marker.CANDIDATE_NAME,)),
    GET("/hiring/openings/<pk>/", "/hiring/openings/{opening_elsewhere.pk}/",
        expect(NOT_ON_TEAM, hiring_manager=200, interviewer_elsewhere=200, admin=200), label="the other opening"),
    POST("/hiring/openings/<pk>/", "/hiring/openings/{opening.pk}/",
         expect(NOT_ON_TEAM, hiring_manager=302, interviewer=403, admin=302), label="add a candidate",
         data=lambda w: {"name": "New Person", "email": "new.person@candidates.example"},
         writers=W("hiring_manager", "admin")),
    POST("/hiring/openings/<pk>/repin/", "/hiring/openings/{opening.pk}/repin/",
         expect(NOT_ON_TEAM, hiring_manager=302, interviewer=403, admin=302), label="nothing newer to pin"),
    GET("/hiring/candidates/<pk>/", "/hiring/candidates/{candidate.pk}/", expect(NOT_ON_TEAM, **ON_OPENING),
        shows=(Marker.CANDIDATE_NAME,)),
    POST("/hiring/candidates/<pk>/", "/hiring/candidates/{candidate.pk}/",
         expect(NOT_ON_TEAM, hiring_manager=302, interviewer=403, admin=302), label="plan an interview",
         data=lambda w: {"stage_name": "Extra", "interviewer": w.users["interviewer"].pk,
                         "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"},
         writers=W("hiring_manager", "admin")),
    GET("/hiring/candidates/<pk>/summary/", "/hiring/candidates/{candidate.pk}/summary/",
        expect(NOT_ON_TEAM, hiring_manager=200, interviewer=403, admin=200)),
    POST("/hiring/candidates/<pk>/summary/", "/hiring/candidates/{candidate.pk}/summary/",
         expect(NOT_ON_TEAM, hiring_manager=302, interviewer=403, admin=302), label="decide",
         data=lambda w: {"decision": "hire", "reason": "Strong panel"}, writers=W("hiring_manager", "admin")),
    GET("/hiring/scorecards/<pk>/", "/hiring/scorecards/{card.pk}/", expect(NOT_ON_TEAM, **DRAFT_ON_PAGE),
        label="interviewer's draft", shows=(Marker.CARD_DRAFT,)),
    GET("/hiring/scorecards/<pk>/", "/hiring/scorecards/{panel_card.pk}/",
        expect(NOT_ON_TEAM, hiring_manager=200, interviewer=403, admin=200), label="panelist's, submitted",
        shows=(Marker.CARD_SUBMITTED,)),
    GET("/hiring/scorecards/<pk>/", "/hiring/scorecards/{card_elsewhere.pk}/",
        expect(NOT_ON_TEAM, hiring_manager=403, interviewer_elsewhere=403, admin=403),
        label="a panelist's draft, the other opening"),
    POST("/hiring/scorecards/<pk>/", "/hiring/scorecards/{card.pk}/",
         expect(NOT_ON_TEAM, interviewer=302, hiring_manager=403, admin=403), label="save the draft",
         data=lambda w: {**_ratings(w, w.card), "key_takeaways": "Changed"}, writers=W("interviewer"),
         state=_card_state),
    POST("/hiring/scorecards/<pk>/autosave/", "/hiring/scorecards/{card.pk}/autosave/",
         expect(NOT_ON_TEAM, interviewer=200, hiring_manager=403, admin=403),
         data=lambda w: {**_ratings(w, w.card), "key_takeaways": "Autosaved"}, writers=W("interviewer"),
         state=_card_state),
    GET("/hiring/scorecards/<pk>/amend/", "/hiring/scorecards/{panel_card.pk}/amend/",
        expect(NOT_ON_TEAM, interviewer=403, hiring_manager=403, admin=403), label="panelist's"),
    POST("/hiring/scorecards/<pk>/amend/", "/hiring/scorecards/{panel_card.pk}/amend/",
         expect(NOT_ON_TEAM, interviewer=403, hiring_manager=403, admin=403), label="panelist's",
         data=lambda w: {**_ratings(w, w.panel_card), "reason": "Second look", "recommendation": "strong_yes"}),
    GET("/hiring/calibration/", "/hiring/calibration/", expect(hiring_manager=200, admin=200)),
]

KPI_ROWS = [
    GET("/kpis/", "/kpis/", expect(kpi_readers=200)),
    GET("/kpis/", "/kpis/?team={team.slug}", expect(kpi_readers=200), label="the manager's team",
        shows=(Marker.TEAM_A_NAME,)),
    GET("/kpis/metrics/<pk>/", "/kpis/metrics/{metric.pk}/?team={team.slug}", expect(kpi_readers=200),
        label="the manager's team", shows=(Marker.TEAM_A_NAME,)),
    GET("/kpis/metrics/<pk>/", "/kpis/metrics/{metric.pk}/?team={team.slug}&format=csv", expect(kpi_readers=200),
        label="CSV of the manager's team", shows=(Marker.TEAM_A, Marker.TEAM_A_PERSON, Marker.TEAM_A_VALUE)),
    GET("/kpis/metrics/<pk>/", "/kpis/metrics/{metric.pk}/?team={other_team.slug}&format=csv",
        expect(kpi_readers=200), label="CSV of the other team", shows=(Marker.TEAM_B,)),
    GET("/kpis/metrics/<pk>/rule/", "/kpis/metrics/{metric.pk}/rule/", expect(editor=200, admin=200)),
    POST("/kpis/metrics/<pk>/rule/", "/kpis/metrics/{metric.pk}/rule/", expect(editor=302, admin=302),
         data=lambda w: {"kind": "at_least", "low": "1", "high": "", "unit": "%"}, writers=W("editor", "admin"),
         state=_metric_state),
    GET("/kpis/record/", "/kpis/record/", expect(recorders=200)),
    POST("/kpis/record/", "/kpis/record/", expect(manager=302, other_manager=400, admin=302),
         label="for the manager's team",
         data=lambda w: {"metric": w.metric.pk, "person": w.ids["person_a"], "team": "",
                         "date": w.period.isoformat(), "value": "90", "note": ""},
         writers=W("manager", "admin"),
         state=lambda w: list(w.metric.measurements.values_list("value", flat=True))),
    GET("/kpis/upload/", "/kpis/upload/", expect(recorders=200)),
    POST("/kpis/upload/", "/kpis/upload/", expect(recorders=200, other_manager=400),
         label="preview of the manager's team",
         data=_csv, sent=(Marker.TEAM_A_PERSON,)),
    GET("/kpis/roles/<slug>/", "/kpis/roles/{role.slug}/", expect(kpi_readers=200)),
    GET("/kpis/roles/<slug>/", "/kpis/roles/{hidden_role.slug}/", expect(kpi_readers=404), label="draft only"),
    GET("/kpis/roles/<slug>/rename/", "/kpis/roles/{role.slug}/rename/", expect(members=403, editor=200, admin=200)),
    GET("/kpis/roles/<slug>/rename/", "/kpis/roles/{hidden_role.slug}/rename/",
        expect(members=404, editor=200, approver=403, admin=200), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    POST("/kpis/roles/<slug>/rename/", "/kpis/roles/{role.slug}/rename/", expect(editor=200, admin=200),
         label="nothing retired to map"),
]

API_ROWS = [
    GET("/api/v1/roles/", "/api/v1/roles/", api(members=200), never=(Marker.HIDDEN_ROLE,)),
    GET("/api/v1/roles/<slug>/", "/api/v1/roles/{role.slug}/", api(members=200), never=(Marker.DRAFT,)),
    GET("/api/v1/roles/<slug>/", "/api/v1/roles/{hidden_role.slug}/", api(members=404), label="draft only"),
    GET("/api/v1/roles/<slug>/versions/", "/api/v1/roles/{review_role.slug}/versions/", api(members=200),
        label="a version in review", shows=(Marker.REVIEW,)),
    GET("/api/v1/roles/<slug>/versions/", "/api/v1/roles/{hidden_role.slug}/versions/",
        api(members=404, **EDITORS_OF_ROLE), label="draft only", shows=(Marker.HIDDEN_ROLE,)),
    POST("/api/v1/roles/<slug>/draft/", "/api/v1/roles/{fresh_role.slug}/draft/", api(members=403, editor=201,
                                                                                       admin=201),
         writers=W("editor", "admin")),
    GET("/api/v1/versions/<pk>/", "/api/v1/versions/{draft.pk}/", api(members=404, **EDITORS_OF_ROLE),
        label="the draft", shows=(Marker.DRAFT,)),
    GET("/api/v1/versions/<pk>/", "/api/v1/versions/{other_draft.pk}/",
        api(members=404, other_editor=200, approver=200, admin=200), label="another family's draft",
        shows=(Marker.OTHER_DRAFT,)),
    Row("PUT", "/api/v1/versions/<pk>/", "/api/v1/versions/{draft.pk}/",
        api(members=404, editor=200, approver=403, admin=200), label="the draft", json=True,
        data=lambda w: {"document": current_document(w.draft)}, headers=lambda w: _if_match(w.draft),
        writers=W("editor", "admin"), state=lambda w: _version_state(w.draft)),
    Row("PATCH", "/api/v1/versions/<pk>/", "/api/v1/versions/{draft.pk}/",
        api(members=404, editor=200, approver=403, admin=200), label="the draft", json=True,
        data=lambda w: {"document": {"kpis": []}}, headers=lambda w: _if_match(w.draft),
        writers=W("editor", "admin"), state=lambda w: _version_state(w.draft)),
    Row("DELETE", "/api/v1/versions/<pk>/", "/api/v1/versions/{draft.pk}/",
        api(members=404, editor=204, approver=403, admin=204), label="the draft", headers=lambda w: _if_match(w.draft),
        writers=W("editor", "admin")),
    POST("/api/v1/versions/<pk>/submit/", "/api/v1/versions/{draft.pk}/submit/",
         api(members=404, editor=200, approver=403, admin=200), json=True, data=lambda w: {"note": "Ready"},
         writers=W("editor", "admin"), state=lambda w: _version_state(w.draft)),
    POST("/api/v1/versions/<pk>/publish/", "/api/v1/versions/{review.pk}/publish/",
         api(members=404, editor=403, approver=200, admin=200), json=True, data=lambda w: {},
         writers=W("approver", "admin"), state=lambda w: _version_state(w.review)),
    POST("/api/v1/versions/<pk>/reject/", "/api/v1/versions/{review.pk}/reject/",
         api(members=404, editor=403, approver=200, admin=200), json=True, data=lambda w: {"comment": "Not yet"},
         writers=W("approver", "admin"), state=lambda w: _version_state(w.review)),

    GET("/api/v1/openings/", "/api/v1/openings/", api(members=200)),
    GET("/api/v1/openings/<pk>/", "/api/v1/openings/{opening.pk}/", api(members=404, **ON_OPENING)),
    GET("/api/v1/candidates/", "/api/v1/candidates/", api(members=200),
        shows=(Marker.CANDIDATE, Marker.CANDIDATE_ELSEWHERE)),
    GET("/api/v1/candidates/<pk>/", "/api/v1/candidates/{candidate.pk}/", api(members=404, **ON_OPENING),
        shows=(Marker.CANDIDATE,)),
    GET("/api/v1/candidates/<pk>/summary/", "/api/v1/candidates/{candidate.pk}/summary/",
        api(members=404, hiring_manager=200, interviewer=403, admin=200)),
    GET("/api/v1/interviews/", "/api/v1/interviews/", api(members=200)),
    GET("/api/v1/interviews/<pk>/", "/api/v1/interviews/{interview.pk}/", api(members=404, **ON_OPENING)),
    GET("/api/v1/scorecards/", "/api/v1/scorecards/", api(members=200),
        shows=(Marker.CARD_DRAFT, Marker.CARD_SUBMITTED)),
    GET("/api/v1/scorecards/<pk>/", "/api/v1/scorecards/{card.pk}/", api(members=404, interviewer=200),
        label="interviewer's draft", shows=(Marker.CARD_DRAFT,)),
    GET("/api/v1/scorecards/<pk>/", "/api/v1/scorecards/{panel_card.pk}/",
        api(members=404, hiring_manager=200, admin=200), label="panelist's, submitted",
        shows=(Marker.CARD_SUBMITTED,)),
    GET("/api/v1/scorecards/<pk>/", "/api/v1/scorecards/{card_elsewhere.pk}/", api(members=404),
        label="a panelist's draft, the other opening"),
    Row("PATCH", "/api/v1/scorecards/<pk>/", "/api/v1/scorecards/{card.pk}/", api(members=404, interviewer=200),
        label="interviewer's draft", json=True, data=lambda w: {"key_takeaways": "Patched"}, writers=W("interviewer"),
        state=_card_state),
    POST("/api/v1/scorecards/<pk>/submit/", "/api/v1/scorecards/{card.pk}/submit/", api(members=404, interviewer=200),
         label="interviewer's draft", json=True, data=lambda w: {}, writers=W("interviewer"), state=_card_state),

    GET("/api/v1/metrics/", "/api/v1/metrics/", api(kpi_readers=200)),
    GET("/api/v1/measurements/", "/api/v1/measurements/", api(kpi_readers=200),
        shows=(Marker.TEAM_A, Marker.TEAM_B, Marker.TEAM_A_PERSON)),
    POST("/api/v1/measurements/", "/api/v1/measurements/",
         api(kpi_readers=403, manager=201, other_manager=400, admin=201), label="for the manager's team", json=True,
         sent=(Marker.TEAM_A_PERSON,),
         data=lambda w: [{"metric": w.metric.pk, "person": w.ids["person_a_email"],
                          "period": (w.period.fromordinal(w.period.toordinal() - 7)).isoformat(), "value": 88}],
         writers=W("manager", "admin")),
    GET("/api/v1/rollups/", "/api/v1/rollups/", api(kpi_readers=200)),
]

ACCOUNT_ROWS = [
    GET("/account/tokens/", "/account/tokens/", expect(200)),
    POST("/account/tokens/", "/account/tokens/", expect(201), label="create", data=lambda w: {"name": "Matrix script"},
         writers=frozenset(SIGNED_IN)),
    GET("/account/tokens/", "/account/tokens/", expect(200, editor=200), label="the editor's token listed",
        shows=(Marker.API_TOKEN,)),
    POST("/account/tokens/<pk>/revoke/", "/account/tokens/{ids[editor_token]}/revoke/", expect(404, editor=302),
         writers=W("editor"), state=lambda w: _token_state(w)),
]

ROWS = PUBLIC_ROWS + ADMIN_ROWS + ROLE_ROWS + HIRING_ROWS + KPI_ROWS + API_ROWS + ACCOUNT_ROWS
CELLS = [(row, persona) for row in ROWS for persona in PERSONAS]


# ---------- the world, built once for the module ----------

_SHARED = Client()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back after the module; each test runs in a savepoint of it."""
    refusals = logging.getLogger("django.request")
    level = refusals.level
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            for persona, user in world.users.items():
                if user is not None:  # one session per persona for every cell; savepoints undo what a cell does
                    browser = Client()
                    browser.handler = _SHARED.handler
                    browser.force_login(user)
                    browser.get("/accounts/login/")  # the session now holds the group names (roles.middleware)
                    world.sessions[persona] = browser.cookies[settings.SESSION_COOKIE_NAME].value
            refusals.setLevel(logging.ERROR)  # hundreds of expected 403s and 404s
            yield world
        finally:
            refusals.setLevel(level)
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(world: World, persona: str) -> Client:
    """A browser signed in as `persona` (or nobody). The request handler is shared: loading the middleware
    (WhiteNoise scans every static file) once per module instead of once per cell."""
    client = Client()
    client.handler = _SHARED.handler
    if persona in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


def count_all_tables() -> tuple:
    """Row counts of every table but sessions and staged uploads (a preview stages the file it shows), in one
    query."""
    tables = sorted({m._meta.db_table for m in apps.get_models()
                     if m not in (Session, StagedUpload) and m._meta.managed})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        return tuple(cursor.fetchone())


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def normalise(route: str) -> str:
    """A resolver pattern as the table names it: roles/<slug:slug>/edit/ → roles/<slug>/edit/."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
    return re.sub(r"\^?\(\?P<(\w+)>[^)]*\)\$", r"<\1>", route)


def send(client: Client, row: Row, url: str, world: World):
    data = row.data(world) if row.data else None
    headers = row.headers(world) if row.headers else {}
    if row.json:
        return client.generic(row.method, url, json.dumps(data, default=str), content_type="application/json",
                              **headers)
    if row.method in ("GET", "POST"):
        return getattr(client, row.method.lower())(url, data or {}, **headers)
    return client.generic(row.method, url, **headers)


# ---------- the matrix ----------

@pytest.mark.parametrize(("row", "persona"), CELLS, ids=[row.id_for(persona) for row, persona in CELLS])
def test_matrix(db, world, row, persona):
    url = row.url.format_map(vars(world))
    path = urlsplit(url).path
    if not path.startswith(("/admin/", "/static/")):
        assert "/" + normalise(resolve(path).route) == row.route, f"{url} is not served by {row.route}"
    state = (lambda: (count_all_tables(), row.state(world) if row.state else None)) if row.method != "GET" else None
    before = state() if state else None

    response = send(client_for(world, persona), row, url, world)

    expected = row.expect[persona]
    body = body_of(response)
    if expected in (LOGIN, ADMIN_LOGIN):
        login = "/accounts/login/?next=" if expected == LOGIN else "/admin/login/?next="
        assert response.status_code == 302 and response["Location"].startswith(login), \
            (response.status_code, response.get("Location"))
    else:
        assert response.status_code == expected, body[:500]
    leaked = [m for m in forbidden_markers(persona) + list(row.never) if m in body and m not in row.sent]
    assert not leaked, f"{leaked} leaked to {persona} by {row.method} {url}"
    if isinstance(expected, int) and 200 <= expected < 300:
        for marker in row.shows:
            if persona in AUDIENCE[marker]:
                assert marker in body, f"{marker!r} should be shown to {persona} by {url}"
    if state:
        wrote = persona in row.writers
        assert (state() != before) is wrote, f"the write {'did not happen' if wrote else 'happened'} for {persona}"


# ---------- the table covers the resolver ----------

HANDLERS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def resolver_entries() -> set[tuple[str, str]]:
    """(route, method) for every handler of a DRF view, (route, "*") for every other view; the admin apart."""
    entries = set()
    for route, callback in _walk(get_resolver().url_patterns):
        route = "/" + normalise(route)
        if route.startswith("/admin/"):
            continue
        view_class = getattr(callback, "cls", None)  # set by rest_framework's APIView.as_view()
        if view_class is not None:
            entries |= {(route, m.upper()) for m in HANDLERS if hasattr(view_class, m)}
        else:
            entries.add((route, "*"))
    return entries


def test_every_url_pattern_and_api_action_has_a_row():
    rows = {(row.route, row.method) for row in ROWS} | {(row.route, "*") for row in ROWS}
    missing = sorted(entry for entry in resolver_entries() if entry not in rows)
    assert not missing, f"no row in the authorization matrix for {missing}"
    routes = {route for route, _ in resolver_entries()}
    stale = sorted({row.route for row in ROWS} - routes - {row.route for row in PUBLIC_ROWS + ADMIN_ROWS})
    assert not stale, f"rows for patterns that no longer exist: {stale}"
    # Every admin pattern is covered by ADMIN_ROWS: the whole admin is behind one staff check.
    assert any(route.startswith("admin/") for route, _ in _walk(get_resolver().url_patterns))


def test_every_persona_has_an_outcome_in_every_row():
    for row in ROWS:
        assert set(row.expect) == set(PERSONAS), row
        assert row.writers <= set(PERSONAS) and set(row.shows) <= set(AUDIENCE), row


def test_api_methods_without_a_handler_are_refused_and_write_nothing(db, world):
    """The table covers each API view's handlers; every other method is 405, even for an admin."""
    client = client_for(world, "admin")
    urls = {}
    for row in API_ROWS:
        urls.setdefault(row.route, row.url.format_map(vars(world)))
    handled = {(route, method) for route, method in resolver_entries() if method != "*"}
    before = count_all_tables()
    for route, url in urls.items():
        for method in (m.upper() for m in HANDLERS):
            if (route, method) not in handled:
                response = client.generic(method, url, "{}", content_type="application/json")
                assert response.status_code == 405, (method, url, response.status_code)
    assert count_all_tables() == before


# ---------- the leaks the matrix found, by name ----------

def test_a_role_that_is_only_a_draft_is_not_named_to_those_who_may_not_see_drafts(db, world):
    """/roles/<slug>/ answered 404 "<title> has no published blueprint yet", and /kpis/roles/<slug>/ 200 with
    the title, to every reader."""
    for persona, named in (("hr", False), ("other_editor", False), ("manager", False), ("editor", True)):
        client = client_for(world, persona)
        page = client.get(f"/roles/{world.hidden_role.slug}/")
        assert page.status_code == 404 and (Marker.HIDDEN_ROLE in body_of(page)) is named, persona
        kpis = client.get(f"/kpis/roles/{world.hidden_role.slug}/")
        assert kpis.status_code == 404 and Marker.HIDDEN_ROLE not in body_of(kpis), persona


ROLE_SCOPED = ("/roles/{}/edit/", "/roles/{}/edit/summary/", "/roles/{}/edit/submit/", "/roles/{}/edit/discard/",
               "/roles/{}/duplicate/", "/roles/{}/versions/", "/roles/{}/versions/1/", "/roles/{}/job-posting/",
               "/roles/{}/export.json", "/roles/{}/", "/kpis/roles/{}/rename/")


def test_a_role_that_is_only_a_draft_answers_like_an_unknown_slug(db, world):
    """/kpis/roles/<slug>/rename/, /roles/<slug>/edit/ and /duplicate/ answered 403 naming the family where
    an unknown slug got 404, telling a member that the draft-only role exists."""
    for persona in ("hr", "other_editor", "hiring_manager", "interviewer", "manager"):
        client = client_for(world, persona)
        for url in ROLE_SCOPED:
            hidden, unknown = client.get(url.format(world.hidden_role.slug)), client.get(url.format("no-such-role"))
            assert (hidden.status_code, unknown.status_code) == (404, 404), (persona, url)
            assert FAMILY not in body_of(hidden) and Marker.HIDDEN_ROLE not in body_of(hidden), (persona, url)
    outsider = client_for(world, "outsider")  # outside every group: 403 whatever the slug
    for url in ROLE_SCOPED:
        statuses = {outsider.get(url.format(slug)).status_code for slug in (world.hidden_role.slug, "no-such-role")}
        assert statuses == {403}, url


def test_an_editor_of_another_family_cannot_copy_a_role_that_is_only_a_draft(db, world):
    """Duplicating copied the latest version, so a draft-only role's content reached any editor's family."""
    with pytest.raises(PermissionDenied):
        duplicate_role(source=world.hidden_role, title="Matrix Stolen Engineer", family=OTHER_FAMILY,
                       by=world.users["other_editor"])
    copy = duplicate_role(source=world.role, title="Matrix Copied Engineer", family=OTHER_FAMILY,
                          by=world.users["other_editor"])
    assert Marker.DRAFT not in json.dumps(current_document(copy.versions.get()))  # the published one, not the draft
