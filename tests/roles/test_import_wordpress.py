"""The reference WordPress post parses into a complete format-v1 document, counted and spot-checked."""
import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from roles.importers.template_html import TemplateError
from roles.importers.wordpress import parse_wordpress_post

FORMAT_V1_KEYS = {
    "format", "source", "role", "mission", "responsibilities", "activities", "deliverables", "milestones",
    "success", "kpis", "technical_skills", "soft_skills", "tools", "environment", "stakeholders",
    "decision_rights", "qualifications", "career", "risks", "variants", "ai_impact", "hiring", "summary_table",
    "notes",
}


@pytest.fixture(scope="module")
def result(seed_post):
    return parse_wordpress_post(seed_post)


@pytest.fixture(scope="module")
def doc(result):
    return result.document


def _by(items, key):
    return Counter(item[key] for item in items)


def test_seed_has_the_hand_counted_numbers(doc):
    assert len(doc["responsibilities"]) == 20
    assert _by(doc["responsibilities"], "category") == {
        "strategic": 3, "operational": 4, "technical": 6, "cross_functional": 3, "governance": 3, "leadership": 1}
    assert len(doc["kpis"]) == 19
    assert len(doc["technical_skills"]) == 21
    assert _by(doc["technical_skills"], "tier") == {"must_have": 7, "good_to_have": 6, "advanced": 4, "emerging": 4}
    assert len(doc["soft_skills"]) == 8
    assert len(doc["tools"]) == 38
    assert _by(doc["milestones"], "horizon") == {"30d": 4, "60d": 4, "90d": 7, "6m": 4, "12m": 4, "long_term": 3}
    assert len(doc["hiring"]["exercises"]) == 3
    assert len(doc["hiring"]["red_flags"]) == 4
    assert len(doc["hiring"]["scorecard"]) == 8
    assert _by(doc["hiring"]["scorecard"], "weight") == {"high": 3, "medium": 5}
    assert len(doc["summary_table"]) == 10


def test_seed_parses_without_warnings(result):
    assert result.warnings == []


def test_document_has_every_key_of_format_v1(doc):
    assert set(doc) == FORMAT_V1_KEYS
    assert doc["format"] == "role-blueprint/v1"
    assert set(doc["career"]) == {"feeder_roles", "next_roles", "adjacent_paths", "promotion_criteria", "evolution"}
    assert set(doc["hiring"]) == {"assessment_areas", "exercises", "strong_signals", "weak_signals", "red_flags",
                                  "scorecard"}


def test_source_comes_from_link_title_and_date(doc, seed_post):
    assert doc["source"] == {
        "url": seed_post["link"],
        "title": "Junior Applied AI Engineer: Role Blueprint, Responsibilities, Skills, KPIs, and Career Path",
        "published": "2026-04-14",
    }


def test_role_is_derived_from_the_title_and_summary(doc):
    role = doc["role"]
    assert role["title"] == "Junior Applied AI Engineer"
    assert role["slug"] == "junior-applied-ai-engineer"
    assert role["level"] == "junior"
    assert role["family"] == "Applied AI Engineering"
    assert role["horizon"] == "Current"
    assert role["summary"].startswith("The Junior Applied AI Engineer is an early-career individual contributor")
    assert role["summary"].count("\n\n") == 1
    assert "Role horizon" not in role["summary"]
    assert role["interaction_partners"] == [
        "Applied Scientists/Data Scientists", "Backend Engineers", "Data Engineers", "Product Managers", "QA/SDET",
        "Security/Privacy", "Platform/SRE", "UX", "Customer Support/Operations"]


def test_horizon_parenthetical_is_kept_in_notes(doc):
    assert {"section": "1) Role Summary",
            "text": "Role horizon: Current (widely established in modern software organizations shipping "
                    "AI-enabled products and internal platforms)."} in doc["notes"]


def test_mission_reads_labelled_paragraphs_and_en_dash_outcomes(doc):
    mission = doc["mission"]
    assert mission["core"].startswith("Deliver production-ready applied AI components")
    assert mission["strategic_importance"].startswith("AI features are increasingly core product differentiators")
    assert len(mission["outcomes"]) == 4
    assert mission["outcomes"][0] == (
        "AI features and improvements shipped to production on schedule with measurable impact.")


def test_responsibility_title_is_the_bold_lead_in(doc):
    first, mlops = doc["responsibilities"][0], doc["responsibilities"][9]
    assert first == {"category": "strategic",
                     "title": "Translate well-defined AI feature requirements into implementable technical tasks",
                     "detail": "(tickets, subtasks, acceptance criteria) with support from a senior engineer "
                               "or tech lead."}
    assert mlops["title"] == "Contribute to MLOps practices"
    assert mlops["detail"].startswith("model versioning, artifact tracking")


def test_activities_deliverables_and_success(doc):
    assert _by(doc["activities"], "cadence") == {
        "daily": 5, "weekly": 4, "monthly_quarterly": 4, "recurring": 5, "incident": 5}
    assert doc["deliverables"][0] == {"group": "Code & software artifacts", "text": "Production-grade modules for:"}
    assert doc["success"]["definition"] == [
        "Correctness and test coverage", "Reproducible evaluation", "Observability", "Clear documentation",
        "Responsible handling of data and model behavior", "Minimal operational burden on peers"]
    assert len(doc["success"]["high_performance"]) == 4


def test_kpis_are_read_by_column_header(doc):
    assert doc["kpis"][0] == {
        "name": "Sprint delivery reliability",
        "measures": "% of committed tasks completed within sprint scope",
        "rationale": "Predictability for product delivery",
        "target": "75–90% of committed points/tasks completed",
        "frequency": "Per sprint",
    }
    latency = next(k for k in doc["kpis"] if k["name"] == "Latency (p95/p99)")
    assert latency["target"] == "Meet SLO (e.g., p95 < 300–800ms depending on product)"


def test_kpi_notes_paragraph_goes_to_notes(doc):
    kpi_notes = [n["text"] for n in doc["notes"] if n["section"] == "7) KPIs and Productivity Metrics"]
    assert any(text.startswith("Notes:\n– Targets should be calibrated") for text in kpi_notes)


def test_technical_skills_split_name_importance_description_and_use(doc):
    skills = {s["name"]: s for s in doc["technical_skills"]}
    assert skills["Python"] == {
        "tier": "must_have", "name": "Python", "importance": "critical", "importance_note": "",
        "description": "Proficiency with Python for data handling, services, and ML tooling.",
        "use": "Build preprocessing, evaluation, inference code; write tests; automate pipelines."}
    assert skills["LLM application patterns"]["importance"] == "important"
    assert skills["LLM application patterns"]["importance_note"] == "for many current orgs"
    assert skills["Model optimization and serving performance"]["importance"] == "optional"
    assert skills["Model optimization and serving performance"]["importance_note"] == "for junior; differentiating"
    # Text after the bold name is the description when there is no Description line.
    assert skills["Deep learning frameworks"]["description"] == "PyTorch most common; TensorFlow context-specific"
    assert skills["Deep learning frameworks"]["use"] == "Fine-tuning, embedding generation, model wrappers."


def test_soft_skills_read_labels_inside_p_wrapped_items(doc):
    assert [s["name"] for s in doc["soft_skills"]][:2] == ["Structured problem solving",
                                                          "Learning agility and coachability"]
    for skill in doc["soft_skills"]:
        assert skill["why_it_matters"] and skill["how_it_shows_up"] and skill["strong_performance"], skill
    assert doc["soft_skills"][1]["strong_performance"].startswith("Noticeable reduction in repeated review comments")


def test_tools_commonality(doc):
    assert doc["tools"][0] == {"category": "Cloud platforms", "name": "AWS (S3, ECR, ECS/EKS, SageMaker)",
                               "use": "Storage, deployment, training/inference infrastructure", "commonality": "common"}
    assert _by(doc["tools"], "commonality") == {"common": 21, "optional": 6, "context_specific": 11}


def test_stakeholders_group_bold_names_with_their_lines(doc):
    by_name = {s["name"]: s for s in doc["stakeholders"]}
    assert by_name["Product Management"]["group"] == "internal"
    assert by_name["Product Management"]["collaboration"].startswith("define user problems")
    assert by_name["Product Management"]["dependency"].startswith("prioritization")
    assert by_name["Enterprise customers (indirectly)"]["collaboration"].startswith("Inputs via PM/support")
    assert by_name["Technical risk"] == {"group": "escalation", "name": "Technical risk",
                                         "collaboration": "Tech Lead / Senior Applied AI Engineer", "dependency": ""}
    assert _by(doc["stakeholders"], "group") == {
        "internal": 10, "external": 2, "peer": 1, "upstream": 4, "downstream": 4, "decision_authority": 2,
        "escalation": 4}


def test_decision_rights_qualifications_career_risks_ai_impact(doc):
    assert _by(doc["decision_rights"], "scope") == {
        "independent": 6, "team_approval": 8, "management_approval": 5, "authority": 6}
    assert set(_by(doc["qualifications"], "group")) == {
        "experience", "education", "certification", "background", "domain", "leadership"}
    assert doc["career"]["next_roles"][0] == "Applied AI Engineer (mid-level) (most common)"
    assert len(doc["career"]["promotion_criteria"]) == 6
    assert set(_by(doc["risks"], "group")) == {
        "challenges", "bottlenecks", "anti_patterns", "underperformance", "business_risks"}
    assert set(_by(doc["ai_impact"], "group")) == {"automatable", "human_critical", "evolution", "new_expectations"}


def test_variants_name_bold_lead_ins(doc):
    first = doc["variants"][0]
    assert first["dimension"] == "By company size"
    assert first["name"] == "Startup/small company"
    assert first["text"].splitlines()[0] == "Broader scope; fewer platforms; faster shipping."
    inline = [v for v in doc["variants"] if v["dimension"] == "Startup vs enterprise operating model"]
    assert [v["name"] for v in inline] == ["Startup", "Enterprise"]
    unnamed = [v for v in doc["variants"] if v["dimension"] == "By geography"]
    assert unnamed and all(v["name"] == "" for v in unnamed)


def test_hiring_assessment_exercises_and_scorecard(doc):
    hiring = doc["hiring"]
    assert hiring["assessment_areas"][0] == {
        "name": "Python and software engineering fundamentals",
        "detail": "Data structures, modularity, error handling, writing tests, Git basics."}
    exercise_a = hiring["exercises"][0]
    assert exercise_a["name"] == "Exercise A: Applied AI feature implementation"
    assert exercise_a["duration"] == "2–3 hours take-home or 60–90 min live"
    assert exercise_a["detail"].splitlines()[:2] == ["Provide:", "A small dataset or logs"]
    assert hiring["exercises"][2]["name"] == "Exercise C (LLM/RAG variant, optional): Prompt injection and safety"
    assert hiring["exercises"][2]["duration"] == ""
    assert hiring["scorecard"][0] == {
        "dimension": "Python engineering",
        "meets": "Implements solution with clear structure and basic tests",
        "strong": "Clean abstractions, good test coverage, robust error handling",
        "weight": "high"}
    assert len(hiring["strong_signals"]) == 6 and len(hiring["weak_signals"]) == 5


def test_summary_table(doc):
    assert doc["summary_table"][0] == {"category": "Role title", "summary": "Junior Applied AI Engineer"}


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _without_leading_label(text: str) -> str:
    """'Use: Build…' → 'Build…': a field label is structure, its value must be kept."""
    label, colon, value = text.partition(":")
    return value if colon and len(label.split()) <= 6 else text


def test_no_list_item_or_table_cell_text_is_lost(doc, seed_post):
    haystack = _words(" ".join(_strings(doc)))
    soup = BeautifulSoup(seed_post["content"]["rendered"], "html.parser")
    texts = [el.get_text(" ").strip() for el in soup.find_all(["li", "td"])]
    lost = [text for text in texts
            if _words(text) not in haystack and _words(_without_leading_label(text)) not in haystack]
    assert lost == []


def test_every_word_of_every_paragraph_lands_somewhere(doc, seed_post):
    words = set(_words(" ".join(_strings(doc))).split())
    soup = BeautifulSoup(seed_post["content"]["rendered"], "html.parser")
    missing = {w for p in soup.find_all("p") for w in _words(p.get_text(" ")).split()} - words
    # Only the labels that name a field are consumed as structure.
    assert missing <= {"core", "mission", "strategic", "importance", "primary", "business", "outcomes", "expected",
                       "typical", "interaction", "partners"}, missing


@pytest.mark.parametrize("post", [
    {},
    {"title": {"rendered": "Junior Applied AI Engineer"}},
    {"content": {}},
    {"content": {"rendered": ""}},
    {"content": "not an object"},
    [],
])
def test_post_without_rendered_content_is_refused(post):
    with pytest.raises(TemplateError, match="not a WordPress post"):
        parse_wordpress_post(post)


def test_post_of_another_kind_is_refused():
    post = {"title": {"rendered": "Ten tips for remote teams"}, "link": "https://example.org/tips",
            "date": "2026-01-01T10:00:00",
            "content": {"rendered": "<h2>Introduction</h2><p>Remote work is here.</p><h2>Conclusion</h2><p>Bye.</p>"}}
    with pytest.raises(TemplateError, match="not a role blueprint: no template sections found") as caught:
        parse_wordpress_post(post)
    assert caught.value.section is None
