"""Values a document may leave out, derived from the role title."""
import re

from django.utils.text import slugify

from roles.models.choices import Level

_LEVEL_WORDS = {
    "junior": Level.JUNIOR, "jr": Level.JUNIOR, "entry": Level.JUNIOR, "associate": Level.JUNIOR,
    "mid": Level.MID, "mid-level": Level.MID, "intermediate": Level.MID,
    "senior": Level.SENIOR, "sr": Level.SENIOR,
    "staff": Level.STAFF, "principal": Level.PRINCIPAL, "lead": Level.LEAD,
    "manager": Level.MANAGER, "director": Level.DIRECTOR, "head": Level.DIRECTOR,
}
# Word endings that name a discipline once the person-noun is turned into a field of work.
_FAMILY_ENDINGS = (("engineer", "Engineering"), ("scientist", "Science"), ("analyst", "Analytics"),
                   ("designer", "Design"), ("developer", "Development"), ("architect", "Architecture"))
_SENIORITY_ONLY = {"junior", "jr", "senior", "sr", "staff", "principal", "lead", "mid", "mid-level",
                   "entry", "associate", "intermediate", "level"}


def derive_slug(title: str) -> str:
    return slugify(title)[:150].strip("-")


def derive_level(title: str) -> str:
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", title.lower())
    for word in words:
        if word in _LEVEL_WORDS:
            return _LEVEL_WORDS[word].value
    return Level.OTHER.value


def derive_family(title: str) -> str:
    """"Junior Applied AI Engineer" → "Applied AI Engineering"; "Senior Data Scientist" → "Data Science"."""
    words = [w for w in re.split(r"\s+", re.sub(r"\(.*?\)", "", title).strip()) if w]
    words = [w for w in words if w.lower().strip(".,") not in _SENIORITY_ONLY] or words
    if words:
        last = words[-1].lower()
        for ending, discipline in _FAMILY_ENDINGS:
            if last == ending or last == ending + "s":
                words[-1] = discipline
                break
    return " ".join(words)[:200]
