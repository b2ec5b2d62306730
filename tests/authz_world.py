"""One world for the authorization matrix (tests/test_authorization_matrix.py): every persona, and
something each of them must not see, marked with a string that appears nowhere else.

Built through the services, like the per-app tests, once per test module (see the matrix's
`world` fixture); each test then runs in a savepoint and leaves the world as it was.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.tokens import issue_token
from hiring.models import Candidate, Interview, Opening, Scorecard
from hiring.services.openings import add_candidate, open_opening, plan_interview
from hiring.services.scorecards import RatingInput, save_draft as save_scorecard, submit as submit_scorecard
from kpis.models import Metric, Scope, Team
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.people import add_person, assign, ensure_team
from roles import permissions
from roles.blueprint_format.synthetic import make_document
from roles.models import BlueprintVersion, FamilyAssignment, Role
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.importing import import_document
from roles.services.workflow import submit_for_review
from tests.kpis.test_kpi_permissions import add_rollups
from tests.personas import make_personas

FAMILY = "Matrix Engineering"
OTHER_FAMILY = "Matrix Design"

# Who is who. The first nine are tests/personas.py's (interviewer1 is on the opening, interviewer2
# interviews elsewhere); other_editor and other_manager are added here; anonymous has no user.
PERSONAS = ("hr", "editor", "other_editor", "approver", "hiring_manager", "interviewer", "interviewer_elsewhere",
            "manager", "other_manager", "admin", "outsider", "anonymous")
SIGNED_IN = PERSONAS[:-1]
# Every portal group's members (roles.permissions.can_read): all but the outsider and anonymous.
MEMBERS = frozenset(SIGNED_IN) - {"outsider"}
# HR readers (the demo's editor, approver, hiring manager and people manager are HR readers too) see
# every team's KPIs (kpis.permissions.sees_all_teams).
HR_READERS = frozenset({"hr", "editor", "other_editor", "approver", "hiring_manager", "manager"})


class Marker:
    """Strings planted in what must not leak, by what they mark."""

    DRAFT = "Unpublished-draft-Qx81"                 # the open draft of the editor's role
    REVIEW = "Unpublished-review-Vk27"               # a version in review in the editor's family
    OTHER_DRAFT = "Unpublished-other-Jm45"           # the open draft of the other family's role
    HIDDEN_ROLE = "Stealth Zephyr"                   # title of a role that only exists as a draft
    CARD_DRAFT = "Unsubmitted-evidence-Wd63"         # the interviewer's scorecard, not yet submitted
    CARD_SUBMITTED = "Panel-evidence-Hs90"           # another panelist's submitted scorecard
    CARD_DRAFT_ELSEWHERE = "Unsubmitted-elsewhere-Gb56"  # a panelist's draft where interviewer_elsewhere submitted
    CANDIDATE = "casey.rt52@candidates.example"      # e-mail of the opening's candidate
    CANDIDATE_NAME = "Casey Quillfeather"
    CANDIDATE_ELSEWHERE = "blake.pn38@candidates.example"  # the other opening's candidate
    TEAM_A = "Aurora-measurement-Lc19"               # a note on the manager's team's measurements
    TEAM_A_NAME = "Team Aurora"
    TEAM_A_PERSON = "aurora.person@kpi.example"
    TEAM_A_VALUE = "4242.17"
    TEAM_B = "Borealis-measurement-Ty74"             # a note on the other manager's team's measurements
    TEAM_B_PERSON = "borealis.person@kpi.example"
    API_TOKEN = "Matrix-token-Rb33"                  # the name of the editor's API token


# Who may read each marker; everybody else must never get it in any response body.
AUDIENCE = {
    Marker.DRAFT: {"editor", "approver", "admin"},
    Marker.REVIEW: {"editor", "approver", "admin"},
    Marker.OTHER_DRAFT: {"other_editor", "approver", "admin"},
    Marker.HIDDEN_ROLE: {"editor", "approver", "admin"},
    # A draft is read by its own interviewer only: not the hiring manager, not an admin (hiring.selectors).
    Marker.CARD_DRAFT: {"interviewer"},
    # interviewer has not submitted their own card yet: blind feedback hides the panel's (after_submit).
    Marker.CARD_SUBMITTED: {"hiring_manager", "admin"},
    # The panelist's draft: no persona reads it, not even interviewer_elsewhere, who submitted in "always" mode.
    Marker.CARD_DRAFT_ELSEWHERE: set(),
    Marker.CANDIDATE: {"hiring_manager", "interviewer", "admin"},
    Marker.CANDIDATE_NAME: {"hiring_manager", "interviewer", "admin"},
    Marker.CANDIDATE_ELSEWHERE: {"hiring_manager", "interviewer_elsewhere", "admin"},
    Marker.TEAM_A: HR_READERS | {"admin"},
    Marker.TEAM_A_NAME: HR_READERS | {"admin"},
    Marker.TEAM_A_PERSON: HR_READERS | {"admin"},
    Marker.TEAM_A_VALUE: HR_READERS | {"admin"},
    Marker.TEAM_B: HR_READERS | {"admin", "other_manager"},
    Marker.TEAM_B_PERSON: HR_READERS | {"admin", "other_manager"},
    Marker.API_TOKEN: {"editor"},
}


def forbidden_markers(persona: str) -> list[str]:
    return [marker for marker, audience in AUDIENCE.items() if persona not in audience]


@dataclass
class World:
    users: dict[str, User | None]
    role: Role                      # editor's family: published v1 and an open draft v2
    draft: BlueprintVersion
    review_role: Role               # editor's family: published v1 and v2 in review
    review: BlueprintVersion
    fresh_role: Role                # editor's family: published only
    other_role: Role                # another family: published v1 and an open draft v2
    other_draft: BlueprintVersion
    hidden_role: Role               # editor's family: a draft v1, never published
    opening: Opening                # managed by hiring_manager; interviewer and a panelist interview on it
    candidate: Candidate
    interview: Interview
    card: Scorecard                 # interviewer's, a draft
    panel_card: Scorecard           # the panelist's, submitted
    opening_elsewhere: Opening      # blind mode "always": interviewer_elsewhere submitted, a panelist has not
    candidate_elsewhere: Candidate
    card_elsewhere: Scorecard       # the panelist's draft there
    team: Team                      # managed by manager
    other_team: Team                # managed by other_manager
    metric: Metric
    period: date
    ids: dict = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)   # persona → session key, set by the matrix

    def user(self, persona: str) -> User | None:
        return self.users[persona]


def _user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.com", password="demo",
                                    first_name=username.replace("_", " ").title())
    user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
    return user


def _trimmed(value, keep: int = 2):
    """Every list of a document cut to its first rows: the matrix is about who, not how much."""
    if isinstance(value, dict):
        return {key: _trimmed(item, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [_trimmed(item, keep) for item in value[:keep]]
    return value


def small_role(title: str, *, family: str, publish: bool = True) -> Role:
    result = import_document(_trimmed(make_document(title, family=family)), file=f"{title}.json", publish=publish)
    return Role.objects.get(slug=result.slug)


def _with_summary(version: BlueprintVersion, by, text: str) -> BlueprintVersion:
    doc = current_document(version)
    doc["role"]["summary"] = f"{doc['role']['summary']} {text}"
    doc["responsibilities"][0]["title"] = f"Own the {text} programme"
    return save_draft(version=version, document=doc, by=by, revision=version.revision, note="Matrix draft")


def build_world() -> World:
    p = make_personas()
    other_editor = _user("other_editor", permissions.HR, permissions.EDITORS)
    other_manager = _user("other_manager", permissions.PEOPLE_MANAGERS)
    panelist = _user("panelist", permissions.INTERVIEWERS)
    FamilyAssignment.objects.create(user=p.editor, family=FAMILY)
    FamilyAssignment.objects.create(user=other_editor, family=OTHER_FAMILY)
    users = {"hr": p.hr, "editor": p.editor, "other_editor": other_editor, "approver": p.approver,
             "hiring_manager": p.hiring, "interviewer": p.interviewer1, "interviewer_elsewhere": p.interviewer2,
             "manager": p.manager, "other_manager": other_manager, "admin": p.admin, "outsider": p.outsider,
             "anonymous": None}

    # ---- roles: published, drafts, a version in review, a role that is only a draft ----
    role = small_role("Matrix Data Engineer", family=FAMILY)
    draft = _with_summary(open_or_start_draft(role=role, by=p.editor), p.editor, Marker.DRAFT)
    review_role = small_role("Matrix Review Engineer", family=FAMILY)
    review = _with_summary(open_or_start_draft(role=review_role, by=p.editor), p.editor, Marker.REVIEW)
    review = submit_for_review(version=review, by=p.editor, note=f"Ready: {Marker.REVIEW}")
    fresh_role = small_role("Matrix Fresh Engineer", family=FAMILY)
    other_role = small_role("Matrix Design Lead", family=OTHER_FAMILY)
    other_draft = _with_summary(open_or_start_draft(role=other_role, by=other_editor), other_editor,
                                Marker.OTHER_DRAFT)
    hidden_role = small_role(f"{Marker.HIDDEN_ROLE} Engineer", family=FAMILY, publish=False)

    # ---- hiring: an opening with a candidate, the interviewer's draft card, a panelist's submitted one ----
    hiring = p.hiring
    start = timezone.now() - timedelta(hours=3)
    opening = open_opening(role=role, by=hiring)
    candidate = add_candidate(opening=opening, by=hiring, name=Marker.CANDIDATE_NAME, email=Marker.CANDIDATE,
                              source="Referral")
    interview = plan_interview(candidate=candidate, by=hiring, stage_name="Technical", interviewer=p.interviewer1,
                               starts_at=start, ends_at=start + timedelta(hours=1))
    panel = plan_interview(candidate=candidate, by=hiring, stage_name="Panel", interviewer=panelist,
                           starts_at=start, ends_at=start + timedelta(hours=1))
    dims = list(opening.version.scorecard.all())
    card, panel_card = interview.scorecards.get(), panel.scorecards.get()
    save_scorecard(card=card, by=p.interviewer1, key_takeaways=f"Take-away {Marker.CARD_DRAFT}",
                   ratings={d.pk: RatingInput(3, f"Evidence {Marker.CARD_DRAFT}") for d in dims}, recommendation="yes")
    save_scorecard(card=panel_card, by=panelist, key_takeaways=f"Take-away {Marker.CARD_SUBMITTED}",
                   ratings={d.pk: RatingInput(3, f"Evidence {Marker.CARD_SUBMITTED}") for d in dims},
                   recommendation="yes")
    panel_card = submit_scorecard(card=panel_card, by=panelist)
    opening_elsewhere = open_opening(role=other_role, by=hiring, blind_mode="always")
    candidate_elsewhere = add_candidate(opening=opening_elsewhere, by=hiring, name="Blake Elsewhere",
                                        email=Marker.CANDIDATE_ELSEWHERE)
    screen = plan_interview(candidate=candidate_elsewhere, by=hiring, stage_name="Screen",
                            interviewer=p.interviewer2, starts_at=start, ends_at=start + timedelta(hours=1))
    other_panel = plan_interview(candidate=candidate_elsewhere, by=hiring, stage_name="Panel", interviewer=panelist,
                                 starts_at=start, ends_at=start + timedelta(hours=1))
    submit_scorecard(card=screen.scorecards.get(), by=p.interviewer2)
    card_elsewhere = other_panel.scorecards.get()
    save_scorecard(card=card_elsewhere, by=panelist, key_takeaways=f"Take-away {Marker.CARD_DRAFT_ELSEWHERE}")

    # ---- KPIs: two teams holding the role, each with measurements and rollups ----
    team = ensure_team(name=Marker.TEAM_A_NAME, manager=p.manager)
    other_team = ensure_team(name="Team Borealis", manager=other_manager)
    person_a = add_person(name="Aurora Person", email=Marker.TEAM_A_PERSON)
    person_b = add_person(name="Borealis Person", email=Marker.TEAM_B_PERSON)
    assign(person=person_a, role=role, team=team, starts_on=date(2025, 1, 1))
    assign(person=person_b, role=role, team=other_team, starts_on=date(2025, 1, 1))
    metric = Metric.objects.filter(role=role, active=True).order_by("position").first()
    today = timezone.localdate()
    period = today - timedelta(days=today.weekday() + 7)  # last week's Monday
    record_measurements(rows=[
        MeasurementRow(metric.pk, period, float(Marker.TEAM_A_VALUE), person_id=person_a.pk, note=Marker.TEAM_A),
        MeasurementRow(metric.pk, period, 81.0, team_id=team.pk, note=Marker.TEAM_A),
        MeasurementRow(metric.pk, period, 77.0, person_id=person_b.pk, note=Marker.TEAM_B),
    ], by=p.admin, source="api")
    add_rollups(metric, scope=Scope.TEAM, scope_id=team.pk, values=[80, 81], latest=period)
    add_rollups(metric, scope=Scope.PERSON, scope_id=person_a.pk, values=[70, 71], latest=period)
    add_rollups(metric, scope=Scope.TEAM, scope_id=other_team.pk, values=[60, 61], latest=period)
    add_rollups(metric, scope=Scope.ORGANISATION, scope_id=0, values=[75, 76], latest=period)

    # ---- an API token of the editor's ----
    api_token, _ = issue_token(user=p.editor, name=Marker.API_TOKEN)

    return World(users=users, role=role, draft=draft, review_role=review_role, review=review, fresh_role=fresh_role,
                 other_role=other_role, other_draft=other_draft, hidden_role=hidden_role, opening=opening,
                 candidate=candidate, interview=interview, card=card, panel_card=panel_card,
                 opening_elsewhere=opening_elsewhere, candidate_elsewhere=candidate_elsewhere,
                 card_elsewhere=card_elsewhere, team=team,
                 other_team=other_team, metric=metric, period=period,
                 ids={"person_a": person_a.pk, "person_a_email": person_a.email, "person_b": person_b.pk,
                      "panelist": panelist.pk, "editor_token": api_token.pk})
