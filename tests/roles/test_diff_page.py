"""The diff page: rows added, removed, changed (word by word) and moved, section by section."""
import copy
import re

import pytest
from django.urls import reverse

from roles.blueprint_format.synthetic import make_document
from roles.management.commands.bench_diff import reworded_pair
from roles.models import FamilyAssignment, Role
from roles.services.importing import import_document
from ..personas import sign_in

pytestmark = pytest.mark.django_db
TITLE = "Diff Engineer"
SLUG = "diff-engineer"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _diff_url(a: int, b: int, slug: str = SLUG) -> str:
    return reverse("roles:diff", kwargs={"slug": slug, "a": a, "b": b})


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<section class="diff-section" id="diff-{anchor}"')
    return html[start:html.index("</section>", start)]


@pytest.fixture
def versions(personas):
    """v1 and v2 of one role; v2 changes one KPI target, removes, moves and adds KPIs, edits the summary,
    drops a tool, raises a scorecard weight and adds a red flag."""
    old = make_document(TITLE)
    new = copy.deepcopy(old)
    kpis = new["kpis"]
    kpis[2]["target"] = "At least 95% of tasks"                         # KPI 3 changed
    kpis.pop(5)                                                         # KPI 6 removed
    kpis.insert(0, kpis.pop(next(i for i, k in enumerate(kpis) if k["name"] == "KPI 11")))  # KPI 11 moved up
    kpis.append({"name": "Brand new KPI", "measures": "Adoption", "rationale": "", "target": "10 teams",
                 "frequency": "Monthly"})
    new["role"]["summary"] = old["role"]["summary"].replace("paragraph one", "opening paragraph")
    new["tools"].pop(3)
    new["hiring"]["scorecard"][1]["weight"] = "high"                    # Dimension 2: medium → high
    new["hiring"]["red_flags"].append("Plagiarism in the take-home")
    import_document(old, by=personas.approver, publish=True)
    import_document(new, by=personas.approver, publish=True, note="Tuned the KPIs")
    return Role.objects.get(slug=SLUG)


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def test_only_changed_sections_appear_with_a_jump_list(reader, versions):
    html = reader.get(_diff_url(1, 2)).content.decode()
    anchors = re.findall(r'<section class="diff-section" id="diff-([\w-]+)"', html)
    assert anchors == ["summary", "kpis", "tools", "hiring"]
    for anchor in anchors:
        assert f'href="#diff-{anchor}"' in html
    assert "Technical skills" not in _text(html.split('class="diff-layout"')[1])


def test_kpi_rows_are_added_removed_changed_and_moved(reader, versions):
    html = reader.get(_diff_url(1, 2)).content.decode()
    kpis = _section(html, "kpis")
    text = _text(kpis)
    assert "+1 added · −1 removed · 1 changed · 1 moved" in text
    assert re.search(r'diff-row--added">.*?Added.*?<ins>Brand new KPI</ins>', kpis, re.S)
    assert "10 teams" in text and "Monthly" in text
    assert re.search(r'diff-row--removed">.*?Removed.*?<del>KPI 6</del>', kpis, re.S)
    changed = kpis[kpis.index('diff-row--changed"'):]
    assert "KPI 3" in changed and "<dt>Target</dt>" in changed
    assert '<ins class="wd">At least 95%</ins>' in changed and '<del class="wd">62–92%</del>' in changed
    assert "moved from position 11 to 1" in text
    # Every kind carries a word and an icon, not colour alone.
    for icon, word in (("+", "Added"), ("−", "Removed"), ("✎", "Changed"), ("↕", "Moved")):
        assert f'<span class="diff-kind__icon" aria-hidden="true">{icon}</span>{word}' in kpis


def test_prose_is_highlighted_word_by_word(reader, versions):
    summary = _section(reader.get(_diff_url(1, 2)).content.decode(), "summary")
    assert '<del class="wd">paragraph one.</del>' in summary or (
        '<del class="wd">paragraph' in summary and '<ins class="wd">opening' in summary)
    assert "Diff Engineer summary" in summary   # unchanged words stay, unmarked


def test_enum_values_read_as_labels_and_lists_of_text(reader, versions):
    html = reader.get(_diff_url(1, 2)).content.decode()
    hiring = _section(html, "hiring")
    assert "Dimension 2" in hiring
    assert '<del class="wd">Medium</del>' in hiring and '<ins class="wd">High</ins>' in hiring
    assert "<ins>Plagiarism in the take-home</ins>" in hiring
    tools = _section(html, "tools")
    assert "Removed" in tools and "<del>PostgreSQL 0</del>" in tools
    total = _text(html[html.index('class="diff-summary"'):html.index('class="diff-layout"')])
    assert "4 sections changed: +2 added · −2 removed · 3 changed · 1 moved" in total


def test_swapping_versions_swaps_added_and_removed(reader, versions):
    kpis = _section(reader.get(_diff_url(2, 1)).content.decode(), "kpis")
    assert "<ins>KPI 6</ins>" in kpis and "<del>Brand new KPI</del>" in kpis


def test_identical_versions_show_an_empty_state(reader, versions, personas):
    import_document(make_document(TITLE), by=personas.approver, publish=True)   # v3 = v1's content again
    html = reader.get(_diff_url(1, 3)).content.decode()
    assert "v1 and v3 are identical" in html and "diff-section" not in html
    assert "v2 and v2 are identical" in reader.get(_diff_url(2, 2)).content.decode()


def test_bad_version_numbers_are_404(reader, versions):
    assert reader.get(_diff_url(1, 9)).status_code == 404
    assert reader.get(_diff_url(0, 1)).status_code == 404
    assert reader.get(f"/roles/{SLUG}/diff/1/two/").status_code == 404
    assert reader.get(_diff_url(1, 2, slug="no-such-role")).status_code == 404


def test_drafts_are_diffed_only_for_those_who_may_see_them(client, personas, versions):
    doc = make_document(TITLE)
    doc["kpis"][0]["target"] = "Draft-target"
    import_document(doc, by=personas.admin)                                      # v3, a draft
    assert sign_in(client, personas.hr).get(_diff_url(2, 3)).status_code == 404
    assert sign_in(client, personas.editor).get(_diff_url(2, 3)).status_code == 404   # not the editor's family
    FamilyAssignment.objects.create(user=personas.editor, family=versions.family)
    html = sign_in(client, personas.editor).get(_diff_url(2, 3)).content.decode()
    assert '<ins class="wd">Draft-target</ins>' in html and "Status: Draft" in html


def test_outsiders_are_refused_and_anonymous_users_sent_to_sign_in(client, personas, versions):
    response = client.get(_diff_url(1, 2))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(personas.outsider)
    response = client.get(_diff_url(1, 2))
    assert response.status_code == 403 and "KPI 6" not in response.content.decode()


def test_queries_do_not_grow_with_the_blueprint(client, personas, django_assert_max_num_queries):
    sign_in(client, personas.hr)
    counts = []
    for title, scale in (("Small Engineer", 1), ("Large Engineer", 5)):
        import_document(make_document(title, scale=scale), publish=True)
        import_document(make_document(title, scale=scale, seed=1), publish=True)
        with django_assert_max_num_queries(12) as captured:
            html = client.get(_diff_url(1, 2, slug=title.lower().replace(" ", "-"))).content.decode()
        assert "changed" in html
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_long_unchanged_prose_is_folded_around_the_change(client, personas):
    old = make_document("Prose Engineer")
    old["role"]["summary"] = " ".join(f"word{i}" for i in range(400)) + " the old ending."
    new = copy.deepcopy(old)
    new["role"]["summary"] = old["role"]["summary"].replace("the old ending.", "the new ending.")
    import_document(old, publish=True)
    import_document(new, publish=True)
    summary = _section(sign_in(client, personas.hr).get(_diff_url(1, 2, slug="prose-engineer")).content.decode(),
                       "summary")
    assert '<del class="wd">old</del>' in summary and '<ins class="wd">new</ins>' in summary
    assert 'class="words__gap"' in summary and "word399" in summary and "word1 " not in summary


UNPAIRED = "Too many changes to match row by row; showing added and removed rows."


def test_many_reworded_rows_are_paired_within_the_budget_and_past_it_listed_with_a_note(client, personas, settings):
    old, new = reworded_pair(150)     # all-pairs matching took ~40 s for these, past gunicorn's timeout
    import_document(old, publish=True)
    import_document(new, publish=True)
    reader = sign_in(client, personas.hr)
    url = _diff_url(1, 2, slug="bench-diff-engineer")
    section = _text(_section(reader.get(url).content.decode(), "responsibilities"))
    assert "150 changed" in section and "added" not in section and UNPAIRED not in section
    settings.DIFF_MAX_PAIRS = 100
    response = reader.get(url)
    assert response.status_code == 200
    section = _text(_section(response.content.decode(), "responsibilities"))
    assert "+150 added · −150 removed" in section and "changed" not in section and UNPAIRED in section
