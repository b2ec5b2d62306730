"""Write a canonical document into a version's rows, and read it back."""
from roles.models import (
    KPI,
    BlueprintItem,
    BlueprintVersion,
    Milestone,
    Responsibility,
    ScorecardDimension,
    Skill,
    SoftSkill,
    TechnicalSkill,
    Tool,
    ToolUsage,
)
from roles.selectors import items_by_section

from .spec import (
    FORMAT,
    ITEM_LISTS,
    KPIS,
    MILESTONES,
    RESPONSIBILITIES,
    SCORECARD,
    SOFT_SKILLS,
    TECHNICAL_SKILLS,
    TEXT_LISTS,
    TOOLS,
    TOP_LEVEL_KEYS,
    OBJECT_KEYS,
)

# Typed lists: (spec, model, related name on the version, library model for "name" or None).
TYPED_MODELS = (
    (RESPONSIBILITIES, Responsibility, "responsibilities", None),
    (KPIS, KPI, "kpis", None),
    (MILESTONES, Milestone, "milestones", None),
    (TECHNICAL_SKILLS, TechnicalSkill, "technical_skills", Skill),
    (SOFT_SKILLS, SoftSkill, "soft_skills", Skill),
    (TOOLS, ToolUsage, "tools", Tool),
    (SCORECARD, ScorecardDimension, "scorecard", None),
)
_LIBRARY_FK = {Skill: "skill", Tool: "tool"}
CONTENT_MODELS = (*(model for _, model, _, _ in TYPED_MODELS), BlueprintItem)


def _get(doc: dict, path: str):
    head, _, tail = path.partition(".")
    return doc[head][tail] if tail else doc[head]


def _library(model, names: set[str]) -> dict[str, object]:
    """Fetch library rows by name, creating the missing ones (safe when two imports race)."""
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    missing = names - found.keys()
    if missing:
        model.objects.bulk_create([model(name=name) for name in missing], ignore_conflicts=True)
        found.update({obj.name: obj for obj in model.objects.filter(name__in=missing)})
    return found


def apply_version_fields(version: BlueprintVersion, doc: dict) -> None:
    role, mission, source = doc["role"], doc["mission"], doc.get("source") or {}
    version.title = role["title"]
    version.family = role["family"]
    version.level = role["level"]
    version.horizon = role["horizon"]
    version.summary = role["summary"]
    version.mission_core = mission["core"]
    version.mission_strategic_importance = mission["strategic_importance"]
    version.source_url = source.get("url", "")
    version.source_title = source.get("title", "")
    version.source_published = source.get("published") or None


def write_rows(version: BlueprintVersion, doc: dict) -> int:
    """Create every content row of a canonical document for a version that has none. Returns the count."""
    names = {
        Skill: {r["name"] for r in doc["technical_skills"]} | {r["name"] for r in doc["soft_skills"]},
        Tool: {r["name"] for r in doc["tools"]},
    }
    libraries = {model: _library(model, wanted) for model, wanted in names.items() if wanted}
    count = 0
    for spec, model, _, library in TYPED_MODELS:
        objs = []
        for position, row in enumerate(_get(doc, spec.path)):
            values = dict(row)
            if library is not None:
                values[_LIBRARY_FK[library]] = libraries[library][values.pop("name")]
            objs.append(model(version=version, position=position, **values))
        model.objects.bulk_create(objs)
        count += len(objs)
    items = []
    for spec in ITEM_LISTS:
        for row in _get(doc, spec.path):
            values = {column: row[key] for key, column in spec.columns.items()}
            items.append(BlueprintItem(version=version, section=spec.section, **values))
    for spec in TEXT_LISTS:
        for text in _get(doc, spec.path):
            items.append(BlueprintItem(version=version, section=spec.section, group=spec.group, text=text))
    per_section: dict[str, int] = {}
    for item in items:  # positions run across a section's groups in document order
        item.position = per_section.get(item.section, 0)
        per_section[item.section] = item.position + 1
    BlueprintItem.objects.bulk_create(items)
    return count + len(items)


def delete_rows(version: BlueprintVersion) -> None:
    for model in CONTENT_MODELS:
        model.objects.filter(version=version).delete()


def read_document(version: BlueprintVersion) -> dict:
    """The canonical format-v1 document of a version (load it with selectors.versions_with_content)."""
    doc: dict = {"format": FORMAT}
    if version.source_url or version.source_title or version.source_published:
        doc["source"] = {
            "url": version.source_url,
            "title": version.source_title,
            "published": version.source_published.isoformat() if version.source_published else "",
        }
    doc["role"] = {
        "title": version.title, "slug": version.role.slug, "family": version.family, "level": version.level,
        "horizon": version.horizon, "summary": version.summary, "interaction_partners": [],
    }
    doc["mission"] = {"core": version.mission_core, "strategic_importance": version.mission_strategic_importance,
                      "outcomes": []}
    for key in TOP_LEVEL_KEYS[4:]:
        if key in OBJECT_KEYS:
            doc[key] = {sub: [] for sub in OBJECT_KEYS[key]}
        elif key not in doc:
            doc[key] = []
    for spec, _, related, library in TYPED_MODELS:
        rows = []
        for obj in getattr(version, related).all():
            row = {}
            for field in spec.fields:
                if field.name == "name" and library is not None:
                    row["name"] = getattr(obj, _LIBRARY_FK[library]).name
                else:
                    row[field.name] = getattr(obj, field.name)
            rows.append(row)
        _set(doc, spec.path, rows)
    sections = items_by_section(version)
    for spec in ITEM_LISTS:
        rows = [{key: getattr(item, column) for key, column in spec.columns.items()}
                for item in sections.get(spec.section, [])]
        _set(doc, spec.path, [{f.name: row.get(f.name, "") for f in spec.fields} for row in rows])
    for spec in TEXT_LISTS:
        _set(doc, spec.path, [item.text for item in sections.get(spec.section, []) if item.group == spec.group])
    return doc


def _set(doc: dict, path: str, value) -> None:
    head, _, tail = path.partition(".")
    if tail:
        doc[head][tail] = value
    else:
        doc[head] = value
