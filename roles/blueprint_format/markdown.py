"""A readable Markdown rendition of a canonical document, in the 20-section template.

It uses the template's own headings, so the Markdown importer reads it back.
"""
from roles.models.choices import Commonality, Importance, Weight

RESPONSIBILITY_HEADINGS = {
    "strategic": "Strategic responsibilities", "operational": "Operational responsibilities",
    "technical": "Technical responsibilities", "cross_functional": "Cross-functional or stakeholder responsibilities",
    "governance": "Governance, compliance, or quality responsibilities", "leadership": "Leadership responsibilities",
}
ACTIVITY_HEADINGS = {
    "daily": "Daily activities", "weekly": "Weekly activities", "monthly_quarterly": "Monthly or quarterly activities",
    "recurring": "Recurring meetings or rituals", "incident": "Incident, escalation, or emergency work",
}
MILESTONE_HEADINGS = {
    "30d": "30-day goals", "60d": "60-day goals", "90d": "90-day goals", "6m": "6-month milestones",
    "12m": "12-month objectives", "long_term": "Long-term impact goals",
}
SKILL_HEADINGS = {
    "must_have": "Must-have technical skills", "good_to_have": "Good-to-have technical skills",
    "advanced": "Advanced or expert-level technical skills", "emerging": "Emerging future skills for this role",
}
STAKEHOLDER_HEADINGS = {
    "internal": "Internal stakeholders", "external": "External stakeholders", "peer": "Peer roles",
    "upstream": "Upstream dependencies", "downstream": "Downstream consumers",
    "decision_authority": "Decision-making authority", "escalation": "Escalation points",
}
DECISION_HEADINGS = {
    "independent": "Can decide independently", "team_approval": "Requires team approval",
    "management_approval": "Requires manager/director/executive approval",
    "authority": "Budget, architecture, vendor, delivery, hiring, compliance authority",
}
QUALIFICATION_HEADINGS = {
    "experience": "Typical years of experience", "education": "Education expectations",
    "certification": "Certifications", "background": "Prior role backgrounds commonly seen",
    "domain": "Domain knowledge expectations", "leadership": "Leadership experience expectations",
}
CAREER_HEADINGS = {
    "feeder_roles": "Common feeder roles into this role", "next_roles": "Next likely roles after this role",
    "adjacent_paths": "Adjacent career paths", "promotion_criteria": "Skills needed for promotion",
    "evolution": "How this role evolves over time",
}
RISK_HEADINGS = {
    "challenges": "Common role challenges", "bottlenecks": "Bottlenecks", "anti_patterns": "Anti-patterns",
    "underperformance": "Common reasons for underperformance",
    "business_risks": "Business risks if this role is ineffective",
}
AI_HEADINGS = {
    "automatable": "Tasks that can be automated", "human_critical": "Tasks that remain human-critical",
    "evolution": "How AI changes the role over the next 2–5 years",
    "new_expectations": "New expectations caused by AI, automation, or platform shifts",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _grouped(rows: list[dict], key: str, headings: dict[str, str], render) -> list[str]:
    out: list[str] = []
    order = list(headings) + sorted({r[key] for r in rows} - headings.keys())
    for group in order:
        members = [r for r in rows if r[key] == group]
        if members:
            out += [f"### {headings.get(group, group)}", ""]
            out += [render(r) for r in members] + [""]
    return out


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items] + ([""] if items else [])


def document_to_markdown(doc: dict) -> str:
    role, mission = doc["role"], doc["mission"]
    out = [f"# {role['title']}", ""]
    if doc.get("source"):
        src = doc["source"]
        out += [f"*Source: [{src['title'] or src['url']}]({src['url']}), published {src['published']}*", ""]
    out += ["## 1) Role Summary", ""]
    out += [p for para in role["summary"].split("\n\n") for p in (para, "") if para]
    if role["horizon"]:
        out += [f"**Role horizon:** {role['horizon']}", ""]
    if role["interaction_partners"]:
        out += [f"**Typical interaction partners:** {', '.join(role['interaction_partners'])}", ""]

    out += ["## 2) Role Mission", ""]
    if mission["core"]:
        out += [f"**Core mission:** {mission['core']}", ""]
    if mission["strategic_importance"]:
        out += [f"**Strategic importance:** {mission['strategic_importance']}", ""]
    if mission["outcomes"]:
        out += ["**Primary business outcomes expected:**", ""] + _bullets(mission["outcomes"])

    out += ["## 3) Core Responsibilities", ""]
    out += _grouped(doc["responsibilities"], "category", RESPONSIBILITY_HEADINGS,
                    lambda r: f"1. **{r['title']}** {r['detail']}".rstrip())
    out += ["## 4) Day-to-Day Activities", ""]
    out += _grouped(doc["activities"], "cadence", ACTIVITY_HEADINGS, lambda r: f"- {r['text']}")
    out += ["## 5) Key Deliverables", ""]
    groups = {r["group"]: r["group"] for r in doc["deliverables"]}
    out += _grouped(doc["deliverables"], "group", groups, lambda r: f"- {r['text']}")

    out += ["## 6) Goals, Objectives, and Milestones", ""]
    out += _grouped(doc["milestones"], "horizon", MILESTONE_HEADINGS, lambda r: f"- {r['text']}")
    if doc["success"]["definition"]:
        out += ["### Role success definition", ""] + _bullets(doc["success"]["definition"])
    if doc["success"]["high_performance"]:
        out += ["### What high performance looks like", ""] + _bullets(doc["success"]["high_performance"])

    out += ["## 7) KPIs and Productivity Metrics", ""]
    if doc["kpis"]:
        out += _table(["Metric name", "What it measures", "Why it matters", "Example target / benchmark", "Frequency"],
                      [[k["name"], k["measures"], k["rationale"], k["target"], k["frequency"]] for k in doc["kpis"]])

    out += ["## 8) Technical Skills Required", ""]

    def skill(s):
        label = Importance(s["importance"]).label if s["importance"] != "unspecified" else ""
        note = f" {s['importance_note']}" if s["importance_note"] else ""
        head = f"- **{s['name']} ({label}{note})**" if label else f"- **{s['name']}**"
        lines = [head]
        if s["description"]:
            lines.append(f"  - *Description:* {s['description']}")
        if s["use"]:
            lines.append(f"  - *Use:* {s['use']}")
        return "\n".join(lines)
    out += _grouped(doc["technical_skills"], "tier", SKILL_HEADINGS, skill)

    out += ["## 9) Soft Skills and Behavioral Capabilities", ""]
    for s in doc["soft_skills"]:
        out.append(f"- **{s['name']}**")
        for label, key in (("Why it matters", "why_it_matters"), ("How it shows up", "how_it_shows_up"),
                           ("Strong performance", "strong_performance")):
            if s[key]:
                out.append(f"  - *{label}:* {s[key]}")
    out.append("")

    out += ["## 10) Tools, Platforms, and Software", ""]
    if doc["tools"]:
        out += _table(["Category", "Tool / Platform", "Primary use", "Commonality"],
                      [[t["category"], t["name"], t["use"], Commonality(t["commonality"]).label] for t in doc["tools"]])
    out += ["## 11) Typical Tech Stack / Environment", ""]
    groups = {r["group"]: r["group"] for r in doc["environment"]}
    out += _grouped(doc["environment"], "group", groups, lambda r: f"- {r['text']}")

    out += ["## 12) Stakeholders and Collaboration Map", ""]

    def stakeholder(s):
        lines = [f"- **{s['name']}**"]
        if s["collaboration"]:
            lines.append(f"  - Collaboration: {s['collaboration']}")
        if s["dependency"]:
            lines.append(f"  - Dependency: {s['dependency']}")
        return "\n".join(lines)
    out += _grouped(doc["stakeholders"], "group", STAKEHOLDER_HEADINGS, stakeholder)

    out += ["## 13) Decision Rights and Scope of Authority", ""]
    out += _grouped(doc["decision_rights"], "scope", DECISION_HEADINGS, lambda r: f"- {r['text']}")
    out += ["## 14) Required Experience and Qualifications", ""]
    out += _grouped(doc["qualifications"], "group", QUALIFICATION_HEADINGS, lambda r: f"- {r['text']}")
    out += ["## 15) Career Path and Progression", ""]
    for key, heading in CAREER_HEADINGS.items():
        if doc["career"][key]:
            out += [f"### {heading}", ""] + _bullets(doc["career"][key])
    out += ["## 16) Risks, Challenges, and Failure Modes", ""]
    out += _grouped(doc["risks"], "group", RISK_HEADINGS, lambda r: f"- {r['text']}")

    out += ["## 17) Role Variants", ""]
    dims = {r["dimension"]: r["dimension"] for r in doc["variants"]}
    out += _grouped(doc["variants"], "dimension", dims,
                    lambda r: f"- **{r['name']}:** {r['text']}" if r["name"] else f"- {r['text']}")
    out += ["## 18) AI / Automation Impact on the Role", ""]
    out += _grouped(doc["ai_impact"], "group", AI_HEADINGS, lambda r: f"- {r['text']}")

    hiring = doc["hiring"]
    out += ["## 19) Hiring Evaluation Criteria", ""]
    if hiring["assessment_areas"]:
        out += ["### What to assess in interviews", ""]
        out += [f"1. **{a['name']}** {a['detail']}".rstrip() for a in hiring["assessment_areas"]] + [""]
    if hiring["exercises"]:
        out += ["### Practical exercises or case studies", ""]
        for ex in hiring["exercises"]:
            duration = f" ({ex['duration']})" if ex["duration"] else ""
            out += [f"**{ex['name']}{duration}**", ""]
            out += [f"- {line.lstrip('–- ').strip()}" for line in ex["detail"].split("\n") if line.strip()] + [""]
    for key, heading in (("strong_signals", "Strong candidate signals"), ("weak_signals", "Weak candidate signals"),
                         ("red_flags", "Red flags")):
        if hiring[key]:
            out += [f"### {heading}", ""] + _bullets(hiring[key])
    if hiring["scorecard"]:
        out += ["### Scorecard dimensions (interview rubric)", ""]
        out += _table(["Dimension", "What “Meets” looks like", "What “Strong” looks like", "Weight"],
                      [[d["dimension"], d["meets"], d["strong"], Weight(d["weight"]).label] for d in hiring["scorecard"]])

    out += ["## 20) Final Role Scorecard Summary", ""]
    if doc["summary_table"]:
        out += _table(["Category", "Summary"], [[r["category"], r["summary"]] for r in doc["summary_table"]])
    if doc["notes"]:
        out += ["## Import notes", ""] + [f"- ({n['section']}) {n['text']}" if n["section"] else f"- {n['text']}"
                                          for n in doc["notes"]] + [""]
    return "\n".join(out).rstrip() + "\n"

