"""What the virtual users need to know about the seeded world, read once before the load starts, so
that picking a page during the run costs no query and no parsing."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.tokens import issue_token
from hiring.models import Scorecard
from kpis.models import Assignment, Measurement, Metric, Team
from kpis.targets import QUALITATIVE
from roles.models import Role

from .seed import PASSWORD, SEARCH_TERMS, TEAM_PREFIX, USER_PREFIX, WEEKS


@dataclass(frozen=True)
class VirtualUser:
    username: str
    password: str
    token: str
    team_slug: str
    team_id: int
    scorecard_id: int
    metric_ids: tuple[int, ...]      # the measurable KPIs of the team's role
    emails: tuple[str, ...]          # the team's people


@dataclass(frozen=True)
class Plan:
    users: tuple[VirtualUser, ...]
    role_slugs: tuple[str, ...]
    search_terms: tuple[str, ...]
    catalog_pages: int               # pages of 25 in the catalog
    api_pages: int                   # pages of 50 in /api/v1/roles/
    weeks: tuple[date, ...]          # the Mondays of the last year, newest first
    roles: int
    measurements: int


def build(count: int) -> Plan:
    """The plan for `count` virtual users (the first `count` seeded ones)."""
    users = list(User.objects.filter(username__startswith=USER_PREFIX).order_by("username")[:count])
    # Keys are stored hashed, so a run cannot read the seeded ones back: each run gets its own.
    tokens = {user.pk: issue_token(user=user, name="bench_load")[1] for user in users}
    teams = {t.manager_id: t for t in Team.objects.filter(name__startswith=TEAM_PREFIX, manager__in=users)}
    cards = dict(Scorecard.objects.filter(interviewer__in=users).values_list("interviewer_id", "pk"))
    roles_of_team, emails_of_team = {}, {}
    for team_id, role_id, email in (Assignment.objects.filter(team__in=teams.values())
                                    .values_list("team_id", "role_id", "person__email").order_by("person__email")):
        roles_of_team[team_id] = role_id
        emails_of_team.setdefault(team_id, []).append(email)
    metrics_of_role = {}
    for pk, role_id in (Metric.objects.filter(role_id__in=set(roles_of_team.values()), active=True)
                        .exclude(rule_kind=QUALITATIVE).order_by("position").values_list("pk", "role_id")):
        metrics_of_role.setdefault(role_id, []).append(pk)
    virtual = []
    for user in users:
        team = teams[user.pk]
        virtual.append(VirtualUser(
            username=user.username, password=PASSWORD, token=tokens[user.pk], team_slug=team.slug, team_id=team.pk,
            scorecard_id=cards[user.pk], metric_ids=tuple(metrics_of_role[roles_of_team[team.pk]]),
            emails=tuple(emails_of_team[team.pk])))
    if len(virtual) < count:
        raise ValueError(f"the scratch database has {len(virtual)} virtual users, not {count}")
    slugs = tuple(Role.objects.filter(published_version__isnull=False).order_by("slug").values_list("slug", flat=True))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return Plan(users=tuple(virtual), role_slugs=slugs, search_terms=SEARCH_TERMS,
                catalog_pages=max(1, -(-len(slugs) // 25)), api_pages=max(1, -(-len(slugs) // 50)),
                weeks=tuple(monday - timedelta(weeks=w) for w in range(WEEKS)), roles=len(slugs),
                measurements=Measurement.objects.count())
