"""A job advertisement drafted from a published blueprint, for a person to adjust and copy."""
import html
from dataclasses import dataclass

from roles.markdown_input import markdown_parser, markdown_problem

RESPONSIBILITY_ORDER = ("technical", "operational", "strategic", "cross_functional", "governance", "leadership")


# A posting drafted from the reference blueprint is 3,443 characters; long real postings run to two or three
# times that. 20,000 characters leaves room for any of them and keeps the worst input a reader can send
# under half a second of parsing (roles/markdown_input.py: 30 µs per character at worst, and the
# link-bracket budget below, which real postings use a few hundredths of).
MAX_CHARS = 20_000
MAX_LINK_WORK = 2_000_000
_MARKDOWN = markdown_parser(raw_html=False, tables=False)


def posting_problem(text: str) -> str | None:
    """Why a posting's text cannot be rendered, in words for its author, or None."""
    return markdown_problem(text, max_chars=MAX_CHARS, max_link_work=MAX_LINK_WORK)


@dataclass
class JobPosting:
    title: str
    intro: str
    mission: str
    responsibilities: list[str]
    must_have: list[str]
    nice_to_have: list[str]
    qualifications: list[str]

    def to_markdown(self) -> str:
        parts = [f"# {self.title}", "", self.intro, ""]
        if self.mission:
            parts += ["## Your mission", "", self.mission, ""]
        for heading, items in (("What you will do", self.responsibilities), ("What you bring", self.must_have),
                               ("Nice to have", self.nice_to_have), ("Experience and education", self.qualifications)):
            if items:
                parts += [f"## {heading}", ""] + [f"- {item}" for item in items] + [""]
        return "\n".join(parts).rstrip() + "\n"


def draft_posting(doc: dict, *, max_responsibilities: int = 8) -> JobPosting:
    role = doc["role"]
    intro = role["summary"].split("\n\n")[0] if role["summary"] else f"We are hiring a {role['title']}."
    ranked = sorted(doc["responsibilities"], key=lambda r: RESPONSIBILITY_ORDER.index(r["category"]))
    responsibilities = [f"{r['title']} — {r['detail']}" if r["detail"] else r["title"]
                        for r in ranked[:max_responsibilities]]

    def skill_line(s):
        return f"{s['name']}: {s['description']}" if s["description"] else s["name"]

    must = [skill_line(s) for s in doc["technical_skills"] if s["tier"] == "must_have"]
    must += [s["name"] for s in doc["soft_skills"][:4]]
    nice = [s["name"] for s in doc["technical_skills"] if s["tier"] == "good_to_have"]
    qualifications = [q["text"] for q in doc["qualifications"] if q["group"] in ("experience", "education")]
    return JobPosting(role["title"], intro, doc["mission"]["core"], responsibilities, must, nice, qualifications)


def markdown_to_html(text: str) -> str:
    """HTML for a posting the user edited as Markdown. Raw HTML in the input is escaped, never passed through.
    Callers check posting_problem() first: it bounds the parsing time."""
    body = _MARKDOWN.render(text)
    title = text.lstrip("# ").splitlines()[0] if text.strip() else "Job posting"
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body>\n{body}</body></html>\n")
