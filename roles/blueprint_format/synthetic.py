"""Synthetic format-v1 documents of any size, for tests, benchmarks and load data.

`scale=1` gives roughly the seed's shape (~300 rows); `scale=10` ten times as many rows.
"""
from roles.models.choices import SECTION_GROUPS, Section

from .spec import FORMAT

_LEVELS = ("junior", "mid", "senior", "staff", "principal", "lead", "manager", "director")
_CATEGORIES = ("strategic", "operational", "technical", "cross_functional", "governance", "leadership")
_TIERS = ("must_have", "good_to_have", "advanced", "emerging")
_IMPORTANCE = ("critical", "important", "optional", "unspecified")
_HORIZONS = ("30d", "60d", "90d", "6m", "12m", "long_term")
_COMMONALITY = ("common", "optional", "context_specific")
_WEIGHTS = ("high", "medium", "low")
SKILL_POOL = ("Python", "SQL", "Go", "TypeScript", "Kubernetes", "Statistics", "Product sense", "Negotiation",
              "Data modelling", "Security", "Distributed systems", "Machine learning", "Testing", "Writing")
TOOL_POOL = ("PyTorch", "Docker", "Kubernetes", "PostgreSQL", "Airflow", "Jira", "Figma", "Grafana", "Terraform",
             "Snowflake", "dbt", "Slack")


def _cycle(seq, i):
    return seq[i % len(seq)]


def make_document(title: str = "Synthetic Data Engineer", *, slug: str | None = None, scale: int = 1,
                  family: str = "", level: str = "", seed: int = 0) -> dict:
    """A valid format-v1 document with about 300 × scale rows (deterministic for a given seed)."""
    n = max(scale, 1)
    s = seed

    def text(kind, i):
        return f"{kind} {i + 1} for {title} (variant {s})"

    doc = {
        "format": FORMAT,
        "role": {"title": title, "summary": f"{title} summary paragraph one.\n\nParagraph two ({s}).",
                 "horizon": "Current", "interaction_partners": [text("Partner", i) for i in range(5 * n)]},
        "mission": {"core": f"Core mission of {title}.", "strategic_importance": "Why it matters.",
                    "outcomes": [text("Outcome", i) for i in range(4 * n)]},
        "responsibilities": [{"category": _cycle(_CATEGORIES, i), "title": text("Responsibility", i),
                              "detail": "(details)"} for i in range(20 * n)],
        "activities": [{"cadence": _cycle(SECTION_GROUPS[Section.ACTIVITIES], i), "text": text("Activity", i)}
                       for i in range(22 * n)],
        "deliverables": [{"group": f"Group {i % 4}", "text": text("Deliverable", i)} for i in range(16 * n)],
        "milestones": [{"horizon": _cycle(_HORIZONS, i), "text": text("Milestone", i)} for i in range(22 * n)],
        "success": {"definition": [text("Success", i) for i in range(6 * n)],
                    "high_performance": [text("High performance", i) for i in range(4 * n)]},
        "kpis": [{"name": f"KPI {i + 1}", "measures": text("Measures", i), "rationale": "Because.",
                  "target": f"{60 + i % 30}–{90 + i % 10}% of tasks", "frequency": "Weekly"} for i in range(19 * n)],
        "technical_skills": [{"tier": _cycle(_TIERS, i), "name": f"{_cycle(SKILL_POOL, i)} {i // len(SKILL_POOL)}",
                              "importance": _cycle(_IMPORTANCE, i), "importance_note": "",
                              "description": text("Description", i), "use": text("Use", i)}
                             for i in range(21 * n)],
        "soft_skills": [{"name": f"Soft skill {i + 1}", "why_it_matters": "Why.", "how_it_shows_up": "How.",
                         "strong_performance": "Strong."} for i in range(8 * n)],
        "tools": [{"category": f"Category {i % 7}", "name": f"{_cycle(TOOL_POOL, i)} {i // len(TOOL_POOL)}",
                   "use": text("Use", i), "commonality": _cycle(_COMMONALITY, i)} for i in range(38 * n)],
        "environment": [{"group": f"Environment {i % 5}", "text": text("Environment", i)} for i in range(25 * n)],
        "stakeholders": [{"group": _cycle(SECTION_GROUPS[Section.STAKEHOLDERS], i), "name": text("Stakeholder", i),
                          "collaboration": "Collaboration.", "dependency": "Dependency."} for i in range(20 * n)],
        "decision_rights": [{"scope": _cycle(SECTION_GROUPS[Section.DECISION_RIGHTS], i),
                             "text": text("Decision", i)} for i in range(20 * n)],
        "qualifications": [{"group": _cycle(SECTION_GROUPS[Section.QUALIFICATIONS], i),
                            "text": text("Qualification", i)} for i in range(14 * n)],
        "career": {key: [text(key, i) for i in range(4 * n)] for key in SECTION_GROUPS[Section.CAREER]},
        "risks": [{"group": _cycle(SECTION_GROUPS[Section.RISKS], i), "text": text("Risk", i)} for i in range(20 * n)],
        "variants": [{"dimension": f"By dimension {i % 4}", "name": f"Variant {i}", "text": text("Variant", i)}
                     for i in range(16 * n)],
        "ai_impact": [{"group": _cycle(SECTION_GROUPS[Section.AI_IMPACT], i), "text": text("AI impact", i)}
                      for i in range(16 * n)],
        "hiring": {
            "assessment_areas": [{"name": text("Area", i), "detail": "Detail."} for i in range(7 * n)],
            "exercises": [{"name": f"Exercise {i + 1}", "duration": "60 min", "detail": "Do this.\nThen that."}
                          for i in range(3 * n)],
            "strong_signals": [text("Strong signal", i) for i in range(6 * n)],
            "weak_signals": [text("Weak signal", i) for i in range(5 * n)],
            "red_flags": [text("Red flag", i) for i in range(4 * n)],
            "scorecard": [{"dimension": f"Dimension {i + 1}", "meets": "Meets.", "strong": "Strong.",
                           "weight": _cycle(_WEIGHTS, i)} for i in range(8 * n)],
        },
        "summary_table": [{"category": f"Category {i + 1}", "summary": text("Summary", i)} for i in range(10 * n)],
    }
    if slug:
        doc["role"]["slug"] = slug
    if family:
        doc["role"]["family"] = family
    if level:
        doc["role"]["level"] = level
    return doc
