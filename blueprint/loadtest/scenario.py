"""One virtual user: signs in like a browser, then works through a weighted mix of the portal's busiest
pages and API calls, with a short think time between them, until the run's deadline.

Each user is a people manager of their own team and an interviewer with their own draft scorecard
(every other one is HR too), and uses its API token for the API. An answer counts as a success only
when it is the one the page gives on success: 200 for pages and reads, the redirect back to the
scorecard after a save, "Draft saved" from the autosave, every row accepted by the bulk write.
"""
import math
import random
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from .client import Response, Session
from .plan import Plan, VirtualUser
from .stats import Failure, Recorder

# page name → weight in the mix (out of 100)
WEIGHTS = {
    "catalog": 8,
    "catalog_search": 8,
    "role_page": 18,
    "kpi_dashboard": 9,
    "kpi_metric": 7,
    "scorecard": 3,
    "scorecard_autosave": 8,
    "scorecard_save": 4,
    "api_roles": 8,
    "api_role_detail": 10,
    "api_rollups": 9,
    "api_bulk_write": 8,
}
PAGES = list(WEIGHTS)
BULK_ROWS = 100
RECOMMENDATIONS = ("", "strong_no", "no", "yes", "strong_yes")

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RATING_FIELD = re.compile(rb'name="rating-(\d+)"')
RED_FLAG = re.compile(rb'name="red_flags" value="(\d+)"')


def first_pages(n: int, users: int) -> tuple[str, ...]:
    """User n's share of the pages every run covers: one page each with 12 users or more, all of
    them between fewer."""
    share = math.ceil(len(PAGES) / users)
    return tuple(PAGES[(n * share + k) % len(PAGES)] for k in range(share))


class SetupError(RuntimeError):
    """A virtual user could not sign in or open its scorecard: the run cannot start."""


@dataclass
class Expect:
    status: int | tuple[int, ...]
    check: object = None   # a function (Response) → "" when fine, else what is wrong

    def allows(self, status: int) -> bool:
        return status in self.status if isinstance(self.status, tuple) else status == self.status


class VirtualUserRun:
    def __init__(self, plan: Plan, user: VirtualUser, session: Session, *, seed: int, think: float):
        self.plan, self.user, self.session = plan, user, session
        self.rng = random.Random(seed)
        self.think = think
        self.recorder = Recorder()
        self.csrf = ""
        self.dimensions: list[int] = []
        self.red_flags: list[int] = []
        self.api = {"Authorization": f"Token {user.token}", "Accept": "application/json"}
        self.actions = {name: getattr(self, name) for name in PAGES}

    # ---------- before the clock starts ----------

    def sign_in(self) -> None:
        """The login form (with its CSRF token), then the scorecard page for the form's fields."""
        page = self.session.get("/accounts/login/")
        token = CSRF_FIELD.search(page.body)
        if page.status != 200 or not token:
            raise SetupError(f"{self.user.username}: GET /accounts/login/ answered {page.status}")
        answer = self.session.post_form("/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1).decode(), "username": self.user.username,
            "password": self.user.password})
        if answer.status != 302 or "sessionid" not in self.session.cookies:
            raise SetupError(f"{self.user.username}: sign-in answered {answer.status}, not a redirect with a session")
        card = self.session.get(self._card_url)
        if card.status != 200:
            raise SetupError(f"{self.user.username}: GET {self._card_url} answered {card.status}")
        self._read_card_form(card)

    def _read_card_form(self, card: Response) -> None:
        token = CSRF_FIELD.search(card.body)
        self.dimensions = sorted({int(pk) for pk in RATING_FIELD.findall(card.body)})
        self.red_flags = sorted({int(pk) for pk in RED_FLAG.findall(card.body)})
        if not token or not self.dimensions:
            raise SetupError(f"{self.user.username}: the scorecard page has no editable form (is it a draft?)")
        self.csrf = token.group(1).decode()

    # ---------- the run ----------

    def run(self, deadline: float, stop, *, first: tuple[str, ...] = ()) -> Recorder:
        """Requests until `deadline` (time.perf_counter) or until `stop` is set; the last one finishes.

        The `first` pages, then the weighted mix: users given different first pages cover every page
        even in a run of a few seconds (see `first_pages`)."""
        deck = list(first)
        while time.perf_counter() < deadline and not stop.is_set():
            if not deck:
                deck = self.rng.choices(PAGES, weights=list(WEIGHTS.values()), k=100)
            page = deck.pop(0)
            self._request(page, *self.actions[page]())
            if self.think:
                time.sleep(self.rng.uniform(0, self.think))
        return self.recorder

    def _request(self, page: str, method: str, url: str, send, expect: Expect) -> None:
        started = time.perf_counter()
        try:
            answer = send()
        except Exception as exc:  # noqa: BLE001 - a timeout or a refused connection is an error like a 500
            self.recorder.failed(page, time.perf_counter() - started,
                                 Failure(page, method, url, None, f"{exc.__class__.__name__}: {exc}"))
            return
        problem = "" if expect.allows(answer.status) else _snippet(answer)
        if not problem and expect.check is not None:
            problem = expect.check(answer)
        if problem:
            self.recorder.failed(page, answer.seconds, Failure(page, method, url, answer.status, problem))
        else:
            self.recorder.ok(page, answer.seconds)

    def _get(self, url: str, params: dict | None = None, *, api: bool = False):
        full = url + ("?" + urlencode(params) if params else "")
        return "GET", full, lambda: self.session.get(url, params=params, headers=self.api if api else None), \
            Expect(200)

    # ---------- the pages ----------

    def catalog(self):
        page = self.rng.randint(1, self.plan.catalog_pages)
        return self._get("/roles/", {"page": page} if page > 1 else None)

    def catalog_search(self):
        return self._get("/roles/", {"q": self.rng.choice(self.plan.search_terms)})

    def role_page(self):
        return self._get(f"/roles/{self.rng.choice(self.plan.role_slugs)}/")

    def kpi_dashboard(self):
        return self._get("/kpis/", {"team": self.user.team_slug})

    def kpi_metric(self):
        return self._get(f"/kpis/metrics/{self.rng.choice(self.user.metric_ids)}/", {"team": self.user.team_slug})

    def scorecard(self):
        return self._get(self._card_url)

    def scorecard_autosave(self):
        url = f"{self._card_url}autosave/"
        headers = {"HX-Request": "true", "HX-Current-URL": self._card_url}
        return "POST", url, lambda: self.session.post_form(url, self._card_data(), headers=headers), \
            Expect(200, lambda r: "" if b"autosave--ok" in r.body else _snippet(r))

    def scorecard_save(self):
        url = self._card_url
        return "POST", url, lambda: self.session.post_form(url, self._card_data() + [("action", "save")]), \
            Expect(302, lambda r: "" if (r.headers.get("Location") or "").endswith(url)
                   else f"redirected to {r.headers.get('Location')}")

    def api_roles(self):
        if self.rng.random() < 0.3:
            return self._get("/api/v1/roles/", {"q": self.rng.choice(self.plan.search_terms)}, api=True)
        return self._get("/api/v1/roles/", {"page": self.rng.randint(1, self.plan.api_pages)}, api=True)

    def api_role_detail(self):
        return self._get(f"/api/v1/roles/{self.rng.choice(self.plan.role_slugs)}/", api=True)

    def api_rollups(self):
        weeks = self.plan.weeks
        return self._get("/api/v1/rollups/", {
            "metric": self.rng.choice(self.user.metric_ids), "scope": "team", "scope_id": self.user.team_id,
            "grain": "week", "from": weeks[-1].isoformat(), "to": weeks[0].isoformat()}, api=True)

    def api_bulk_write(self):
        rows = self._bulk_rows()
        url = "/api/v1/measurements/"

        def accepted(answer: Response) -> str:
            body = answer.json()
            done = body.get("created", 0) + body.get("updated", 0)
            return "" if done == len(rows) else f"{done} of {len(rows)} rows written"
        return "POST", url, lambda: self.session.post_json(url, rows, headers=self.api), Expect((200, 201), accepted)

    # ---------- request bodies ----------

    @property
    def _card_url(self) -> str:
        return f"/hiring/scorecards/{self.user.scorecard_id}/"

    def _card_data(self) -> list[tuple[str, str]]:
        """The whole scorecard form as a browser posts it, with the interviewer's latest thoughts."""
        data = [("csrfmiddlewaretoken", self.csrf)]
        for pk in self.dimensions:
            rating = self.rng.choice(("2", "3", "3", "none", "1", "4"))
            evidence = f"Said {self.rng.randint(1, 999)} sensible things." if rating in ("1", "4") else ""
            data += [(f"rating-{pk}", rating), (f"evidence-{pk}", evidence)]
        data += [("red_flags", str(pk)) for pk in self.red_flags if self.rng.random() < 0.2]
        data += [("key_takeaways", f"Take-away draft {self.rng.randint(1, 10 ** 6)}."),
                 ("recommendation", self.rng.choice(RECOMMENDATIONS))]
        return data

    def _bulk_rows(self) -> list[dict]:
        """BULK_ROWS of the team's weekly values (most already there: an upsert), never one twice."""
        pairs = [(m, e) for m in self.user.metric_ids for e in self.user.emails]
        weeks = list(self.plan.weeks[:13])
        self.rng.shuffle(weeks)
        rows = []
        for week in weeks:
            for metric, email in self.rng.sample(pairs, len(pairs)):
                rows.append({"metric": metric, "person": email, "period": week.isoformat(),
                             "value": round(self.rng.uniform(50, 100), 1)})
                if len(rows) == BULK_ROWS:
                    return rows
        return rows


def _snippet(answer: Response) -> str:
    if answer.headers.get("Location"):
        return f"redirected to {answer.headers['Location']}"
    return " ".join(answer.text().split())[:160]
