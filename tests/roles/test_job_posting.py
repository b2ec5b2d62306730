"""A job posting drafted from the seed blueprint, and its HTML rendition."""
import json

from roles.job_posting import draft_posting, markdown_to_html

from ..conftest import FIXTURES


def _seed():
    return json.loads((FIXTURES / "blueprints" / "junior-applied-ai-engineer.json").read_text())


def test_posting_holds_summary_mission_responsibilities_must_haves_and_qualifications():
    posting = draft_posting(_seed())
    assert posting.title == "Junior Applied AI Engineer"
    assert posting.intro.startswith("The Junior Applied AI Engineer is an early-career individual contributor")
    assert posting.mission.startswith("Deliver production-ready applied AI components")
    assert len(posting.responsibilities) == 8
    assert posting.responsibilities[0].startswith("Develop and test inference code paths")  # technical first
    assert posting.must_have[0].startswith("Python: Proficiency with Python")
    assert len([m for m in posting.must_have if ":" in m]) == 7
    assert any("0–2 years" in q for q in posting.qualifications)
    markdown = posting.to_markdown()
    assert markdown.startswith("# Junior Applied AI Engineer\n")
    assert "## What you will do" in markdown and "## What you bring" in markdown


def test_html_escapes_raw_html_typed_by_the_user():
    page = markdown_to_html("# Title\n\n<script>alert(1)</script>\n\n- **Python**")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<strong>Python</strong>" in page and "<title>Title</title>" in page
