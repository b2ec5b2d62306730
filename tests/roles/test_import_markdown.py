"""Markdown of the template parses like the WordPress HTML it was written from."""
from collections import Counter
from pathlib import Path

import pytest

from roles.importers.template_html import TemplateError
from roles.importers.template_markdown import parse_template_markdown
from roles.importers.wordpress import parse_wordpress_post

SEED_MARKDOWN = Path(__file__).parent / "data" / "junior-applied-ai-engineer.md"


@pytest.fixture(scope="module")
def markdown_text() -> str:
    return SEED_MARKDOWN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(markdown_text):
    return parse_template_markdown(markdown_text)


def _by(items, key):
    return Counter(item[key] for item in items)


def test_markdown_rendition_has_the_seed_counts(result):
    doc = result.document
    assert _by(doc["responsibilities"], "category") == {
        "strategic": 3, "operational": 4, "technical": 6, "cross_functional": 3, "governance": 3, "leadership": 1}
    assert len(doc["kpis"]) == 19
    assert _by(doc["technical_skills"], "tier") == {"must_have": 7, "good_to_have": 6, "advanced": 4, "emerging": 4}
    assert len(doc["soft_skills"]) == 8
    assert len(doc["tools"]) == 38
    assert _by(doc["milestones"], "horizon") == {"30d": 4, "60d": 4, "90d": 7, "6m": 4, "12m": 4, "long_term": 3}
    assert len(doc["hiring"]["exercises"]) == 3
    assert len(doc["hiring"]["red_flags"]) == 4
    assert _by(doc["hiring"]["scorecard"], "weight") == {"high": 3, "medium": 5}
    assert len(doc["summary_table"]) == 10
    assert result.warnings == []


def test_markdown_uses_nested_lists_that_wordpress_flattens(markdown_text):
    # Guard for the next test: the rendition really differs from the HTML in structure.
    assert "\n  - *Description:* Proficiency with Python" in markdown_text
    assert "\n  - Collaboration: define user problems" in markdown_text


def test_markdown_parses_to_the_same_document_as_the_wordpress_post(result, seed_post):
    from_wordpress = dict(parse_wordpress_post(seed_post).document)
    del from_wordpress["source"]
    assert result.document == from_wordpress


def test_title_comes_from_the_h1_and_source_is_passed_through(markdown_text):
    source = {"url": "https://example.org/junior", "title": "Junior", "published": "2026-04-14"}
    doc = parse_template_markdown(markdown_text, source=source).document
    assert doc["role"]["title"] == "Junior Applied AI Engineer"
    assert doc["source"] == source
    assert list(doc)[:3] == ["format", "source", "role"]


SMALL_PAGE = """\
# Senior Data Scientist

*Source: [Senior Data Scientist](https://example.org/sds), published 2026-01-02*

## Role Summary

Builds forecasting models.

**Role horizon:** Emerging

## Role Mission

**Core mission:** Turn data into decisions.

**Primary business outcomes expected:**

- Better forecasts
- Fewer stock-outs

## Key Performance Indicators

| Frequency | Metric | Target |
|---|---|---|
| Weekly | Forecast error (MAPE) | <10% |

## Import notes

- (17) Role Variants) Retail differs from B2B.
- (7) KPIs) Notes:
– Calibrate per team.
- A note without a section.
"""


def test_a_small_page_with_other_headings_and_exported_notes_and_source():
    result = parse_template_markdown(SMALL_PAGE)
    doc = result.document
    assert doc["role"] | {"summary": None} == {
        "title": "Senior Data Scientist", "slug": "senior-data-scientist", "family": "Data Science",
        "level": "senior", "horizon": "Emerging", "summary": None, "interaction_partners": []}
    assert doc["role"]["summary"] == "Builds forecasting models."
    assert doc["mission"] == {"core": "Turn data into decisions.", "strategic_importance": "",
                              "outcomes": ["Better forecasts", "Fewer stock-outs"]}
    assert doc["kpis"] == [{"name": "Forecast error (MAPE)", "measures": "", "rationale": "", "target": "<10%",
                            "frequency": "Weekly"}]
    assert doc["notes"] == [{"section": "17) Role Variants", "text": "Retail differs from B2B."},
                            {"section": "7) KPIs", "text": "Notes:\n– Calibrate per team."},
                            {"section": "", "text": "A note without a section."}]
    assert doc["source"] == {"url": "https://example.org/sds", "title": "Senior Data Scientist",
                             "published": "2026-01-02"}
    assert "17) Role Variants: section missing" in result.warnings
    assert "Key Performance Indicators: table has no 'measures' column; left empty" in result.warnings
    assert doc["responsibilities"] == [] and doc["hiring"]["scorecard"] == []


def test_markdown_that_is_not_the_template_is_refused():
    with pytest.raises(TemplateError, match="not a role blueprint"):
        parse_template_markdown("# Release notes\n\n## Fixed\n\n- A crash on start\n")
