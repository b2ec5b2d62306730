"""Plain-text helpers for the template importer.

Everything here works on text that has already left the HTML parser, so regular
expressions are fine: labels ("Use: …"), importance parentheticals
("Python (Critical)"), durations, keyword classification and the role-title
derivations (slug, level, family).
"""
import re
import unicodedata

# A list marker that authors type by hand at the start of a line: en dash, em dash,
# hyphen or bullet, followed by whitespace ("– AI features shipped …").
_MARKER = re.compile(r"^[–—•*-]\s+")
# "Label: value" where the label is short; longer prefixes are sentences, not labels.
_LABEL = re.compile(r"^([^:]{1,80}?)\s*:\s*(.*)$", re.DOTALL)
_MAX_LABEL_WORDS = 6
# Characters that separate a bold lead-in from the text after it ("**Title**: detail").
LEAD_SEPARATORS = " :;,.–—-"

_IMPORTANCE = (
    ("critical", r"critical|essential|required|must[- ]have"),
    ("important", r"important|preferred|recommended"),
    ("optional", r"optional|nice[- ]to[- ]have|bonus"),
)
_IMPORTANCE_PAREN = re.compile(
    r"\(\s*(" + "|".join(pattern for _, pattern in _IMPORTANCE) + r")\b([^()]*)\)", re.IGNORECASE
)
_TRAILING_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$", re.DOTALL)
_DURATION = re.compile(r"\d.*\b(min|mins|minutes?|hours?|hrs?|days?|weeks?)\b", re.IGNORECASE)


def collapse(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return " ".join(text.split())


def strip_marker(text: str) -> tuple[bool, str]:
    """'– Reproducible evaluation' → (True, 'Reproducible evaluation')."""
    match = _MARKER.match(text)
    if match:
        return True, text[match.end():]
    return False, text


def is_marker_only(text: str) -> bool:
    """True for text that is nothing but whitespace and list-marker characters."""
    return not text.strip(" \t\r\n\xa0–—•*-")


def split_label(text: str) -> tuple[str, str]:
    """'Use: Build pipelines' → ('Use', 'Build pipelines').

    Returns ('', text) when the text does not open with a short label, so that a
    sentence containing a colon is not mistaken for one.
    """
    match = _LABEL.match(text)
    if not match or len(match.group(1).split()) > _MAX_LABEL_WORDS:
        return "", text
    return match.group(1).strip(), match.group(2).strip()


def strip_lead_separator(text: str) -> str:
    """The detail after a bold lead-in, without the punctuation that joined them."""
    return text.lstrip(LEAD_SEPARATORS)


def classify(text: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    """The key of the first (key, regex) rule whose regex occurs in the lower-cased text.

    Rules are ordered: put the more specific ones first ("Advanced … (not
    required)" must be tested for "advanced" before "required" means must-have).
    """
    lowered = text.lower()
    for key, pattern in rules:
        if re.search(pattern, lowered):
            return key
    return None


def split_importance(text: str) -> tuple[str, str, str, str]:
    """Split a skill heading into (name, importance, importance_note, text_after).

    'LLM application patterns (Important for many current orgs)' →
    ('LLM application patterns', 'important', 'for many current orgs', '').
    Without an importance parenthetical the whole text is the name and the
    importance is 'unspecified'.
    """
    match = _IMPORTANCE_PAREN.search(text)
    if not match:
        return text.strip(), "unspecified", "", ""
    importance = classify(match.group(1), _IMPORTANCE) or "unspecified"
    note = match.group(2).strip(" ;,:–—-")
    return text[:match.start()].strip(), importance, note, text[match.end():].strip()


def has_importance(text: str) -> bool:
    return bool(_IMPORTANCE_PAREN.search(text))


def unwrap_parentheses(text: str) -> str:
    """'(PyTorch most common)' → 'PyTorch most common'; other text is returned unchanged."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1].strip()
    return text


def split_duration(text: str) -> tuple[str, str]:
    """'Exercise A: Feature build (2–3 hours take-home)' → ('Exercise A: Feature build', '2–3 hours take-home').

    Only a trailing parenthetical that reads like a duration is split off, so
    'Exercise C (LLM/RAG variant, optional): Prompt injection' stays whole.
    """
    text = text.strip().rstrip(":").strip()
    match = _TRAILING_PAREN.match(text)
    if match and _DURATION.search(match.group(2)):
        return match.group(1).strip().rstrip(":"), match.group(2).strip()
    return text, ""


def title_before_colon(title: str) -> str:
    """'Junior Applied AI Engineer: Role Blueprint, …' → 'Junior Applied AI Engineer'."""
    return collapse(title.split(":", 1)[0])


# Role-title derivations. They mirror roles.blueprint_format.derive (which needs
# Django) so that a slug or level derived there matches the one produced here.
_LEVEL_WORDS = {
    "junior": "junior", "jr": "junior", "entry": "junior", "associate": "junior",
    "mid": "mid", "mid-level": "mid", "intermediate": "mid",
    "senior": "senior", "sr": "senior",
    "staff": "staff", "principal": "principal", "lead": "lead",
    "manager": "manager", "director": "director", "head": "director",
}
_SENIORITY_ONLY = {"junior", "jr", "senior", "sr", "staff", "principal", "lead", "mid", "mid-level",
                   "entry", "associate", "intermediate", "level"}
# The person-noun at the end of a title, turned into the field of work.
_FAMILY_ENDINGS = (("engineer", "Engineering"), ("scientist", "Science"), ("analyst", "Analytics"),
                   ("designer", "Design"), ("developer", "Development"), ("architect", "Architecture"))


def slugify(text: str) -> str:
    """The same result as django.utils.text.slugify, without importing Django."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


def level_from_title(title: str) -> str:
    """The first seniority word of the title ('Junior Applied AI Engineer' → 'junior'), else 'other'."""
    for word in re.findall(r"[a-z]+(?:-[a-z]+)?", title.lower()):
        if word in _LEVEL_WORDS:
            return _LEVEL_WORDS[word]
    return "other"


def family_from_title(title: str) -> str:
    """'Junior Applied AI Engineer' → 'Applied AI Engineering'; 'Senior Data Scientist' → 'Data Science'."""
    words = re.sub(r"\(.*?\)", "", title).split()
    words = [w for w in words if w.lower().strip(".,") not in _SENIORITY_ONLY] or words
    if words:
        last = words[-1].lower()
        for ending, discipline in _FAMILY_ENDINGS:
            if last in (ending, ending + "s"):
                words[-1] = discipline
                break
    return " ".join(words)
