"""Comparing two roles: the pick form, the summary of what changes from A to B, both blueprints side by side."""
import copy
import re

import pytest
from django.urls import reverse

from roles.blueprint_format.synthetic import make_document
from roles.management.commands.bench_diff import reworded_pair
from roles.services.importing import import_document
from ..personas import sign_in

pytestmark = pytest.mark.django_db
JUNIOR, MID = "applied-ai-engineer-junior", "applied-ai-engineer-mid"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _card(html: str, key: str) -> str:
    start = html.index(f'class="delta-card delta-card--{key}"')
    return html[start:html.index("</article>", start)]


@pytest.fixture
def roles(personas):
    """A junior role and a mid-level copy with deliberate deltas."""
    junior = make_document("Applied AI Engineer (junior)", slug=JUNIOR, family="Applied AI", level="junior")
    mid = copy.deepcopy(junior)
    mid["role"].update(title="Applied AI Engineer (mid-level)", slug=MID, level="mid")
    skills = mid["technical_skills"]
    optional = next(s for s in skills if s["importance"] == "optional")
    optional["importance"] = "critical"                                   # raised
    important = next(s for s in skills if s["importance"] == "important")
    important["importance"] = "optional"                                  # lowered
    dropped = skills.pop(0)["name"]                                       # dropped
    skills.append({"tier": "must_have", "name": "Evaluation design", "importance": "critical",
                   "importance_note": "", "description": "Offline and online evals.", "use": ""})
    mid["responsibilities"].append({"category": "leadership", "title": "Mentor junior engineers",
                                    "detail": "Weekly pairing."})
    mid["kpis"][0]["target"] = "At least 95% of tasks"
    mid["hiring"]["scorecard"][1]["weight"] = "high"                     # Dimension 2: medium → high
    import_document(junior, publish=True)
    import_document(mid, publish=True)
    return {"optional": optional["name"], "important": important["name"], "dropped": dropped}


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def _compare(client, a=JUNIOR, b=MID) -> str:
    response = client.get(reverse("roles:compare", kwargs={"a": a, "b": b}))
    assert response.status_code == 200
    return response.content.decode()


def test_summary_lists_what_changes_moving_up(reader, roles):
    html = _compare(reader)
    added = _card(html, "skills-added")
    assert "Evaluation design" in added and "Importance: Critical" in added and "Must-have" in added
    raised = _text(_card(html, "skills-raised"))
    assert roles["optional"] in raised
    assert re.search(r"Optional\s+→\s+.*Critical", raised)
    lowered = _text(_card(html, "skills-lowered"))
    assert roles["important"] in lowered and re.search(r"Important\s+→\s+.*Optional", lowered)
    assert roles["dropped"] in _card(html, "skills-dropped")
    new = _card(html, "responsibilities-new")
    assert "Mentor junior engineers" in new and "Leadership" in new and ">1<" in new
    kpis = _card(html, "kpis")
    assert "KPI 1" in kpis and '<del class="wd">60–90% of tasks</del>' in kpis
    assert '<ins class="wd">At least 95% of tasks</ins>' in kpis and "KPI 2" not in kpis
    weights = _text(_card(html, "weights"))
    assert "Dimension 2" in weights and re.search(r"Medium\s+→\s+.*High", weights)
    assert "Dimension 1 " not in weights
    assert 'delta-card--responsibilities-dropped' not in html
    assert "No differences in: responsibilities left behind." in _text(html)


def test_both_roles_side_by_side_in_every_section(reader, roles):
    html = _compare(reader)
    sections = re.findall(r'<section class="compare-section[^"]*" id="compare-([\w-]+)"', html)
    assert len(sections) == 20 and sections[0] == "summary" and sections[-1] == "summary-table"
    differing = re.findall(r'<section class="compare-section" id="compare-([\w-]+)"', html)
    assert differing == ["summary", "responsibilities", "kpis", "technical-skills", "hiring"]
    activities = html[html.index('id="compare-activities"'):html.index('id="compare-deliverables"')]
    assert "Same in both" in activities and "<details>" in activities
    kpi_title = html[html.index('id="compare-kpis-title"'):html.index("</h3>", html.index('id="compare-kpis-title"'))]
    assert "1 changed" in kpi_title
    kpis = html[html.index('id="compare-kpis"'):html.index('id="compare-technical-skills"')]
    cols = kpis.split('class="compare-col"')[1:]
    assert len(cols) == 2
    assert "60–90% of tasks" in cols[0] and "At least 95% of tasks" in cols[1]
    assert "Applied AI Engineer (junior)" in cols[0] and "Applied AI Engineer (mid-level)" in cols[1]


def test_swap_reverses_the_direction(reader, roles):
    html = _compare(reader, MID, JUNIOR)
    assert "Evaluation design" in _card(html, "skills-dropped")
    assert "Mentor junior engineers" in _card(html, "responsibilities-dropped")


def test_a_role_compared_with_an_identical_one_says_so(reader, roles):
    twin = make_document("Applied AI Engineer (junior)", slug="twin", family="Applied AI", level="junior")
    import_document(twin, publish=True)
    html = _compare(reader, JUNIOR, "twin")
    assert "No differences that matter for a move" in html and "delta-card" not in html


def test_pick_form_lists_published_roles_and_redirects(reader, roles, personas):
    import_document(make_document("Unpublished Engineer"))
    html = reader.get(reverse("roles:compare_pick")).content.decode()
    assert f'<option value="{JUNIOR}">' in html and f'<option value="{MID}">' in html
    assert "unpublished-engineer" not in html
    assert '<optgroup label="Applied AI">' in html
    response = reader.get(reverse("roles:compare_pick"), {"a": JUNIOR, "b": MID})
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:compare", kwargs={"a": JUNIOR, "b": MID})
    preselected = reader.get(reverse("roles:compare_pick"), {"a": JUNIOR}).content.decode()
    assert f'<option value="{JUNIOR}" selected>' in preselected


def test_pick_form_refuses_the_same_role_twice_and_unknown_roles(reader, roles):
    html = reader.get(reverse("roles:compare_pick"), {"a": JUNIOR, "b": JUNIOR}).content.decode()
    assert "Pick a different role from the first one" in html
    html = reader.get(reverse("roles:compare_pick"), {"a": JUNIOR, "b": "nope"}).content.decode()
    assert "Select a valid choice" in html


def test_unknown_or_unpublished_roles_are_404(reader, roles):
    import_document(make_document("Unpublished Engineer"))
    assert reader.get(reverse("roles:compare", kwargs={"a": JUNIOR, "b": "nope"})).status_code == 404
    assert reader.get(reverse("roles:compare", kwargs={"a": "unpublished-engineer", "b": MID})).status_code == 404


def test_catalog_links_to_the_compare_form(reader, roles):
    html = reader.get(reverse("roles:catalog")).content.decode()
    assert f'href="{reverse("roles:compare_pick")}"' in html and "Compare roles" in html


@pytest.mark.parametrize("url", [reverse("roles:compare_pick"), reverse("roles:compare", kwargs={"a": JUNIOR, "b": MID})])
def test_outsiders_are_refused_and_anonymous_users_sent_to_sign_in(client, personas, roles, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(personas.outsider)
    response = client.get(url)
    assert response.status_code == 403 and "Applied AI Engineer" not in response.content.decode()


def test_queries_do_not_grow_with_the_blueprints(client, personas, django_assert_max_num_queries):
    sign_in(client, personas.hr)
    counts = []
    for scale in (1, 4):
        a = make_document(f"Small {scale}", scale=scale)
        b = make_document(f"Large {scale}", scale=scale, seed=1)
        import_document(a, publish=True)
        import_document(b, publish=True)
        with django_assert_max_num_queries(13) as captured:
            _compare(client, f"small-{scale}", f"large-{scale}")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_reworded_responsibilities_are_paired_within_the_budget_and_past_it_the_cards_say_so(
        client, personas, settings):
    a, b = reworded_pair(150)
    b["role"]["title"] = "Bench Diff Engineer (mid-level)"
    import_document(a, publish=True)
    import_document(b, publish=True)
    reader = sign_in(client, personas.hr)
    html = _compare(reader, "bench-diff-engineer", "bench-diff-engineer-mid-level")
    assert "delta-card--responsibilities" not in html      # reworded, not new: nothing to learn
    settings.DIFF_MAX_PAIRS = 100
    html = _compare(reader, "bench-diff-engineer", "bench-diff-engineer-mid-level")
    for key in ("responsibilities-new", "responsibilities-dropped"):
        card = _text(_card(html, key))
        assert "150" in card and "Too many changes to match row by row; showing added and removed rows." in card
