"""Handler for "19) Hiring Evaluation Criteria": assessment areas, exercises, signals and the scorecard."""
from .template_document import Collector, entries, route
from .template_reader import Section, SubSection, Table, TextBlock
from .template_tables import scorecard_rows
from .template_text import classify, split_duration, split_label

HIRING_PARTS = (
    ("red_flags", r"red flag"),
    ("weak_signals", r"weak|negative|concern"),
    ("strong_signals", r"strong|positive|green flag"),
    ("scorecard", r"scorecard|rubric"),
    ("exercises", r"exercise|case stud|practical|take[- ]home|work sample"),
    ("assessment_areas", r"assess|evaluat|competenc|interview|what to"),
)


def handle_hiring(section: Section, out: Collector) -> None:
    """Text is routed by sub-heading; a table under any recognised sub-heading is read as the scorecard
    (posts put the rubric table under "Scorecard dimensions" but not always)."""
    hiring = out.document["hiring"]
    for part, sub in route(section, out, lambda h: classify(h, HIRING_PARTS), "hiring criteria part"):
        text_blocks = []
        for block in sub.blocks:
            if isinstance(block, Table):
                hiring["scorecard"].extend(scorecard_rows(block, section.heading, out))
            else:
                text_blocks.append(block)
        text_sub = SubSection(sub.heading, text_blocks)
        if part == "scorecard":
            if len(text_blocks) == len(sub.blocks):
                out.warn(section.heading, f"sub-section {sub.heading!r} has no scorecard table")
            for block in text_blocks:
                out.note_block(section.heading, block)
        elif part == "exercises":
            hiring["exercises"].extend(_exercises(text_sub, section.heading, out))
        elif part == "assessment_areas":
            hiring["assessment_areas"].extend(
                _assessment_area(entry) for entry in entries(text_sub, out, section.heading))
        else:
            hiring[part].extend(entry.text for entry in entries(text_sub, out, section.heading))


def _assessment_area(entry: TextBlock) -> dict:
    """'**Python fundamentals** – Data structures, …' → name and detail (the joining dash dropped)."""
    if entry.lead:
        return {"name": entry.lead.rstrip(":").strip(), "detail": entry.rest}
    label, value = split_label(entry.text)
    if label and value:
        return {"name": label, "detail": value}
    return {"name": entry.text, "detail": ""}


def _exercises(sub: SubSection, where: str, out: Collector) -> list[dict]:
    """An exercise starts at a paragraph with a bold lead-in ("**Exercise A: … (2–3 hours …)**");
    its '– ' lines and any list after it are the detail, one line each.

    When no paragraph has a lead-in, the exercises are list items with one.
    Paragraphs before the first exercise (the intro) go to notes.
    """
    blocks = [b for b in sub.blocks if isinstance(b, TextBlock)]
    starters = [b for b in blocks if b.kind == "p" and b.lead]
    if not starters:
        top = min((b.depth for b in blocks), default=0)
        starters = [b for b in blocks if b.kind == "li" and b.lead and b.depth == top]
    starter_ids = {id(b) for b in starters}
    exercises: list[dict] = []
    details: list[list[str]] = []
    for block in blocks:
        if id(block) in starter_ids:
            name, duration = split_duration(block.lead)
            exercises.append({"name": name, "duration": duration, "detail": ""})
            details.append(block.rest_lines)
        elif exercises:
            details[-1].extend(line.text for line in block.lines)
        else:
            out.note_block(where, block)
    for exercise, lines in zip(exercises, details):
        exercise["detail"] = "\n".join(line for line in lines if line)
    return exercises
