"""Posts of the same template vary in markup; each variant here is the seed transformed one way,
and must parse to the same shape as the seed (plus the notes and warnings the change calls for)."""
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from roles.importers.template_html import TemplateError, parse_template_html

# The field that groups each list, so that a count per group is compared, not just a length.
GROUP_FIELDS = {
    "responsibilities": "category", "activities": "cadence", "deliverables": "group", "milestones": "horizon",
    "technical_skills": "tier", "tools": "commonality", "environment": "group", "stakeholders": "group",
    "decision_rights": "scope", "qualifications": "group", "risks": "group", "variants": "dimension",
    "ai_impact": "group", "hiring.scorecard": "weight",
}


def shape(doc: dict) -> Counter:
    """How many items each list (and each group of it) holds; notes left out, they vary by design."""
    sizes = Counter()

    def walk(path, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{path}.{key}" if path else key, item)
        elif isinstance(value, list):
            sizes[path] += len(value)
            for item in value:
                if path in GROUP_FIELDS:
                    sizes[f"{path}[{item[GROUP_FIELDS[path]]}]"] += 1

    walk("", {k: v for k, v in doc.items() if k != "notes"})
    return sizes


@pytest.fixture(scope="module")
def seed_html(seed_post) -> str:
    return seed_post["content"]["rendered"]


@pytest.fixture(scope="module")
def seed(seed_html):
    return parse_template_html(seed_html, title="Junior Applied AI Engineer: Role Blueprint")


def parse(html: str):
    return parse_template_html(html, title="Junior Applied AI Engineer: Role Blueprint")


def transform(html: str, change) -> str:
    soup = BeautifulSoup(html, "html.parser")
    change(soup)
    return str(soup)


def section_elements(soup, heading_start: str) -> list:
    """The <h2> whose text starts with heading_start and every element up to the next <h2>."""
    h2 = next(h for h in soup.find_all("h2") if h.get_text().startswith(heading_start))
    elements = [h2]
    for sibling in h2.find_next_siblings():
        if sibling.name == "h2":
            break
        elements.append(sibling)
    return elements


def test_seed_without_title_takes_the_bold_role_name(seed_html):
    assert parse_template_html(seed_html).document["role"]["title"] == "Junior Applied AI Engineer"


def test_numbered_and_bulleted_lists_are_read_alike(seed_html, seed):
    def swap_lists(soup):
        for tag in soup.find_all(["ul", "ol"]):
            tag.name = "ol" if tag.name == "ul" else "ul"

    result = parse(transform(seed_html, swap_lists))
    assert shape(result.document) == shape(seed.document)
    assert result.document == seed.document


def test_p_inside_every_li(seed_html, seed):
    def wrap_items(soup):
        for li in soup.find_all("li"):
            if li.find("p") is None:
                p = soup.new_tag("p")
                for child in list(li.contents):
                    p.append(child.extract())
                li.append(p)

    result = parse(transform(seed_html, wrap_items))
    assert result.document == seed.document
    assert result.warnings == []


def test_labels_in_strong_or_em(seed_html, seed):
    def swap_emphasis(soup):
        for tag in soup.find_all(["em", "strong"]):
            tag.name = "strong" if tag.name == "em" else "em"

    result = parse(transform(seed_html, swap_emphasis))
    assert result.document == seed.document


def test_labels_in_b_and_i(seed_html, seed):
    def old_tags(soup):
        for tag in soup.find_all(["em", "strong"]):
            tag.name = "i" if tag.name == "em" else "b"

    assert parse(transform(seed_html, old_tags)).document == seed.document


def test_scorecard_without_weight_column_defaults_to_medium(seed_html, seed):
    def drop_weight(soup):
        table = next(t for t in soup.find_all("table") if "Weight" in [th.get_text() for th in t.find_all("th")])
        for row in table.find_all("tr"):
            row.find_all(["th", "td"])[-1].decompose()

    result = parse(transform(seed_html, drop_weight))
    scorecard = result.document["hiring"]["scorecard"]
    assert len(scorecard) == 8
    assert {d["weight"] for d in scorecard} == {"medium"}
    assert scorecard[0]["strong"] == "Clean abstractions, good test coverage, robust error handling"
    assert result.warnings == [
        "19) Hiring Evaluation Criteria: scorecard has no Weight column; weight set to medium for 8 dimensions"]


@pytest.mark.parametrize("shows_up, strong", [("On the job", "What strong looks like"), ("In practice", "Strong")])
def test_soft_skill_label_synonyms(seed_html, seed, shows_up, strong):
    html = seed_html.replace("How it shows up:", f"{shows_up}:").replace("Strong performance:", f"{strong}:")
    result = parse(html)
    assert result.document["soft_skills"] == seed.document["soft_skills"]


def test_missing_section_leaves_its_keys_empty_and_is_named(seed_html, seed):
    def drop_kpis(soup):
        for element in section_elements(soup, "7)"):
            element.decompose()

    result = parse(transform(seed_html, drop_kpis))
    assert result.document["kpis"] == []
    expected = shape(seed.document)
    del expected["kpis"]
    assert shape(result.document) == expected
    assert result.warnings == ["7) KPIs and Productivity Metrics: section missing"]


def test_renamed_sub_headings_still_map_by_keyword(seed_html, seed):
    html = (seed_html
            .replace("Leadership responsibilities (limited; junior scope)",
                     "Leadership responsibilities (Senior IC scope)")
            .replace("Cross-functional or stakeholder responsibilities", "Stakeholder responsibilities")
            .replace("30-day goals (onboarding and baseline delivery)", "First 30 days")
            .replace("Must-have technical skills", "Required skills"))
    result = parse(html)
    assert shape(result.document) == shape(seed.document)
    assert result.warnings == []


def test_unrecognised_sub_heading_goes_to_notes(seed_html, seed):
    html = seed_html.replace('<h3 class="wp-block-heading">Role success definition</h3>',
                             "<h3>Quarterly rocks</h3><ul><li>Ship the ranking revamp</li></ul>"
                             '<h3 class="wp-block-heading">Role success definition</h3>')
    result = parse(html)
    assert shape(result.document) == shape(seed.document)
    assert {"section": "6) Goals, Objectives, and Milestones",
            "text": "Quarterly rocks: Ship the ranking revamp"} in result.document["notes"]
    assert len(result.warnings) == 1 and "'Quarterly rocks'" in result.warnings[0]


def test_extra_section_lands_in_notes(seed_html, seed):
    extra = ("<h2>21) Compensation Bands</h2><p>Bands are reviewed yearly.</p>"
             "<ul><li><strong>J1:</strong> 80–95k</li><li>J2: 95–110k</li></ul>")
    result = parse(seed_html + extra)
    assert shape(result.document) == shape(seed.document)
    notes = [n["text"] for n in result.document["notes"] if n["section"] == "21) Compensation Bands"]
    assert notes == ["Bands are reviewed yearly.", "J1: 80–95k", "J2: 95–110k"]
    assert result.warnings == ["21) Compensation Bands: not a section of the template; its text went to notes"]


def test_en_dash_lines_inside_a_paragraph_instead_of_lists(seed_html, seed):
    def lists_to_paragraphs(soup):
        for list_tag in soup.find_all("ul"):
            p = soup.new_tag("p")
            for li in list_tag.find_all("li", recursive=False):
                p.append("\n– ")
                for wrapper in li.find_all("p"):
                    wrapper.unwrap()
                for child in list(li.contents):
                    p.append(child.extract())
            list_tag.replace_with(p)

    result = parse(transform(seed_html, lists_to_paragraphs))
    assert shape(result.document) == shape(seed.document)
    assert result.document["technical_skills"] == seed.document["technical_skills"]
    assert result.document["stakeholders"] == seed.document["stakeholders"]
    assert result.warnings == []


def test_outcomes_as_a_list_after_a_bare_label(seed_html, seed):
    def outcomes_to_list(soup):
        p = next(p for p in soup.find_all("p") if p.get_text().startswith("Primary business outcomes"))
        label, *lines = p.get_text().split("\n")
        ul = soup.new_tag("ul")
        for line in lines:
            li = soup.new_tag("li")
            li.string = line.removeprefix("– ")
            ul.append(li)
        p.clear()
        p.append(soup.new_tag("strong"))
        p.strong.string = label
        p.insert_after(ul)

    result = parse(transform(seed_html, outcomes_to_list))
    assert result.document["mission"] == seed.document["mission"]


def test_sections_without_numbers_and_out_of_order(seed_html, seed):
    def renumber_and_move(soup):
        for h2 in soup.find_all("h2"):
            h2.string = h2.get_text().split(") ", 1)[1]
        last = section_elements(soup, "Final Role Scorecard Summary")
        for element in reversed(last):
            soup.insert(0, element.extract())

    result = parse(transform(seed_html, renumber_and_move))
    assert shape(result.document) == shape(seed.document)
    assert result.warnings == []


def test_kpi_columns_are_matched_by_header_not_position(seed_html, seed):
    def reorder_and_extend(soup):
        table = soup.find("table")
        for row in table.find_all("tr"):
            cells = row.find_all(["th", "td"])
            cells[0].insert_before(cells[3].extract())          # target first
            extra = soup.new_tag(cells[0].name)
            extra.string = "Owner" if cells[0].name == "th" else "EM"
            row.append(extra)

    result = parse(transform(seed_html, reorder_and_extend))
    assert result.document["kpis"] == seed.document["kpis"]
    assert "Sprint delivery reliability — Owner: EM" in [n["text"] for n in result.document["notes"]]
    assert result.warnings == ["7) KPIs and Productivity Metrics: table column 'Owner' is not a known column; "
                               "its cells went to notes"]


@pytest.mark.parametrize("html", [
    "<h1>Ten tips for remote teams</h1><h2>Introduction</h2><p>Remote work is here.</p><h2>Conclusion</h2>",
    "<p>Just a paragraph, no headings at all.</p>",
    "",
    "<h2>Overview</h2><p>Our stack.</p><h2>Tools we love</h2><ul><li>Vim</li></ul>",
])
def test_page_that_is_not_the_template_is_refused(html):
    with pytest.raises(TemplateError, match="not a role blueprint"):
        parse_template_html(html)
