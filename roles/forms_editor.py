"""The editor's forms, generated from the format-v1 spec (roles.blueprint_format.spec).

A section of the editor (roles.blueprint_format.sections.SECTIONS) is made of parts: one form for
its plain fields (e.g. role.title, role.summary) and one formset per list (e.g. kpis,
hiring.scorecard, mission.outcomes). Field kinds, enum choices, required flags and length limits
all come from the spec, so a field added there shows up here without a template change.

Row actions (add, remove, move up, move down) are plain submit buttons named
`<prefix>-add`, `<prefix>-remove-<i>`, `<prefix>-move-up-<i>`, `<prefix>-move-down-<i>`: they
re-render the posted rows rearranged, without saving, so they work with JavaScript off.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.core import signing
from django.forms import formset_factory

from roles.blueprint_format import FormatError
from roles.blueprint_format.sections import SECTIONS, SectionInfo, get_path
from roles.blueprint_format.spec import (
    ITEM_LISTS,
    MISSION_FIELDS,
    ROLE_FIELDS,
    TEXT_LISTS,
    TYPED_LISTS,
    Field,
)
from roles.models.choices import (
    SECTION_GROUPS,
    Commonality,
    Importance,
    Level,
    MilestoneHorizon,
    ResponsibilityCategory,
    Section,
    SkillTier,
    Weight,
)
from roles.rendering import (
    ACTIVITY_LABELS,
    AI_LABELS,
    CAREER_LABELS,
    DECISION_LABELS,
    QUALIFICATION_LABELS,
    RISK_LABELS,
    SIGNAL_LABELS,
    STAKEHOLDER_LABELS,
)

MAX_ROWS = 2000  # rows a list may have in the editor; a 10× blueprint has ~400 in its longest list
# Fields a section's form posts besides its parts (CSRF token, draft, revision, loaded, the button pressed), with room.
FORM_FIELDS = 16
SECTION_BY_ANCHOR: dict[str, SectionInfo] = {info.anchor: info for info in SECTIONS}
LOADED_SALT = "roles.editor.loaded"

# Labels of enum values: the TextChoices of choices.py, and the group headings the role page uses.
_ENUM_LABELS = {tuple(e.values): dict(e.choices) for e in (
    Level, ResponsibilityCategory, SkillTier, Importance, MilestoneHorizon, Commonality, Weight)}
_ENUM_LABELS.update({
    SECTION_GROUPS[Section.ACTIVITIES]: ACTIVITY_LABELS, SECTION_GROUPS[Section.STAKEHOLDERS]: STAKEHOLDER_LABELS,
    SECTION_GROUPS[Section.DECISION_RIGHTS]: DECISION_LABELS,
    SECTION_GROUPS[Section.QUALIFICATIONS]: QUALIFICATION_LABELS, SECTION_GROUPS[Section.RISKS]: RISK_LABELS,
    SECTION_GROUPS[Section.AI_IMPACT]: AI_LABELS,
})

# Words people use for the parts and fields, where the spec's key is not already plain English.
PART_LABELS = {
    "role.interaction_partners": "Interaction partners", "mission.outcomes": "Business outcomes",
    "milestones": "Milestones", "success.definition": "What success looks like",
    "success.high_performance": "What high performance looks like",
    "hiring.assessment_areas": "What to assess", "hiring.exercises": "Exercises",
    "hiring.scorecard": "Scorecard dimensions", "responsibilities": "Responsibilities", "kpis": "KPIs",
    "technical_skills": "Technical skills", "soft_skills": "Soft skills", "tools": "Tools",
    "activities": "Activities", "deliverables": "Deliverables", "environment": "Environment",
    "stakeholders": "Stakeholders", "decision_rights": "Decision rights", "qualifications": "Qualifications",
    "risks": "Risks", "variants": "Variants", "ai_impact": "AI impact", "summary_table": "Summary rows",
    "notes": "Notes",
    **{f"career.{k}": v for k, v in CAREER_LABELS.items()}, **{f"hiring.{k}": v for k, v in SIGNAL_LABELS.items()},
}
# One row of each list, as a person names it ("Add KPI", "Remove milestone 3").
ROW_NOUNS = {
    "kpis": "KPI", "responsibilities": "responsibility", "technical_skills": "skill", "soft_skills": "soft skill",
    "tools": "tool", "milestones": "milestone", "activities": "activity", "deliverables": "deliverable",
    "stakeholders": "stakeholder", "decision_rights": "decision right", "qualifications": "qualification",
    "risks": "risk", "variants": "variant", "ai_impact": "item", "summary_table": "row", "notes": "note",
    "hiring.assessment_areas": "area", "hiring.exercises": "exercise", "hiring.scorecard": "dimension",
    "role.interaction_partners": "partner", "mission.outcomes": "outcome", "career.feeder_roles": "role",
    "career.next_roles": "role", "career.adjacent_paths": "path", "career.promotion_criteria": "criterion",
    "career.evolution": "point", "success.definition": "statement", "success.high_performance": "statement",
    "hiring.strong_signals": "signal", "hiring.weak_signals": "signal", "hiring.red_flags": "red flag",
}
FIELD_LABELS = {
    "role.horizon": "Role horizon", "mission.core": "Core mission",
    "kpis.name": "KPI", "kpis.measures": "What it measures", "kpis.rationale": "Why it matters",
    "technical_skills.name": "Skill", "technical_skills.use": "How it is used", "soft_skills.name": "Skill",
    "soft_skills.why_it_matters": "Why it matters", "soft_skills.how_it_shows_up": "How it shows up",
    "soft_skills.strong_performance": "Strong performance looks like", "tools.name": "Tool",
    "tools.use": "What it is used for", "hiring.scorecard.meets": "Meets the bar",
    "hiring.scorecard.strong": "Strong", "stakeholders.collaboration": "How you work together",
    "stakeholders.dependency": "Dependency", "decision_rights.scope": "Scope", "activities.cadence": "Cadence",
    "variants.name": "Variant", "notes.section": "Section", "summary_table.category": "Category",
    "milestones.text": "Milestone", "responsibilities.detail": "Detail",
}
FIELD_HELP = {
    "role.title": "The job title as it appears on the catalog and in job postings.",
    "role.horizon": "E.g. “Current” or “Emerging (2–5 years)”.",
    "role.summary": "Two or three short paragraphs: what the role is and why it exists. Blank lines separate "
                    "paragraphs.",
    "role.family": "Roles of a family share editors and appear together in the catalog.",
    "mission.core": "One sentence: the outcome this role exists to produce.",
}
# Free-text fields without a length limit are long text (textareas), except these short ones.
SHORT_TEXT = {"kpis.target", "responsibilities.title", "hiring.exercises.duration",
              "role.interaction_partners.text", "career.feeder_roles.text", "career.next_roles.text",
              "career.adjacent_paths.text"}
# Lists too wide for one column per field: these fields share a column, each with its own small label.
# Choices sit side by side under the name; text fields take the cell's width and show their label as a placeholder.
COLUMN_GROUPS = {"technical_skills": (("name", "tier", "importance", "importance_note"), ("description",), ("use",))}
ROW_ACTION = re.compile(r"^(?P<op>add|remove|move-up|move-down)(?:-(?P<index>\d+))?$")
WHERE = re.compile(r"^(?P<path>[a-z_]+(?:\.[a-z_]+)?)(?:\[(?P<index>\d+)\](?:\.(?P<field>[a-z_]+))?)?$")


def _label(key: str) -> str:
    return FIELD_LABELS.get(key) or key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def field_label(path: str, name: str) -> str:
    """A field's label for a diff: "kpis", "target" → "Target"; "role.summary", "summary" → "Summary"."""
    return _label(path if path.endswith(f".{name}") else f"{path}.{name}")


def choice_label(choices: tuple[str, ...], value: str) -> str:
    return _ENUM_LABELS.get(tuple(choices), {}).get(value) or value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Part:
    """One piece of a section: the plain fields of an object ("fields") or one list ("rows")."""

    path: str                      # "role" for fields; the list's document path for rows
    kind: str                      # "fields" or "rows"
    fields: tuple[Field, ...]
    label: str
    strings: bool = False          # a list of plain strings (TextList) rather than of objects

    @property
    def prefix(self) -> str:
        return self.path.replace(".", "_")

    @property
    def noun(self) -> str:
        return ROW_NOUNS.get(self.path, "row")

    def key(self, field: Field) -> str:
        return f"{self.path}.{field.name}"

    def to_rows(self, value) -> list[dict]:
        """Document value → the formset's rows (dicts of strings)."""
        if self.strings:
            return [{"text": item} for item in value or []]
        return [{f.name: row.get(f.name, "") for f in self.fields} for row in value or []]

    def to_value(self, rows: list[dict]):
        """The formset's cleaned rows → the document value."""
        if self.strings:
            return [row["text"] for row in rows]
        return [{f.name: row.get(f.name) or "" for f in self.fields} for row in rows]

    def is_blank(self, row: dict) -> bool:
        """A row whose free-text fields are all empty (a choice alone says nothing): dropped on save."""
        return all(not (row.get(f.name) or "").strip() for f in self.fields if f.choices is None)


_ROW_SPECS = {spec.path: spec for spec in (*TYPED_LISTS, *ITEM_LISTS)}
_TEXT_SPECS = {spec.path: spec for spec in TEXT_LISTS}
_OBJECT_FIELDS = {"role": {f.name: f for f in ROLE_FIELDS}, "mission": {f.name: f for f in MISSION_FIELDS}}


@lru_cache(maxsize=None)
def section_parts(anchor: str) -> tuple[Part, ...]:
    """The parts of a section, in its order: consecutive plain fields of one object share a form."""
    parts: list[Part] = []
    for path in SECTION_BY_ANCHOR[anchor].paths:
        head, _, tail = path.partition(".")
        if path in _ROW_SPECS:
            parts.append(Part(path, "rows", _ROW_SPECS[path].fields, PART_LABELS.get(path, _label(path))))
        elif path in _TEXT_SPECS:
            parts.append(Part(path, "rows", (Field("text", required=True),), PART_LABELS.get(path, _label(path)),
                              strings=True))
        elif head in _OBJECT_FIELDS and tail in _OBJECT_FIELDS[head]:
            field = _OBJECT_FIELDS[head][tail]
            if parts and parts[-1].kind == "fields" and parts[-1].path == head:
                parts[-1] = Part(head, "fields", (*parts[-1].fields, field), parts[-1].label)
            else:
                parts.append(Part(head, "fields", (field,), ""))
        else:  # pragma: no cover - the spec and SECTIONS are declared together
            raise LookupError(f"no editor for {path}")
    return tuple(parts)


class SingleLineField(forms.CharField):
    """A name or a short value: shown as a growing one-line textarea in tables, kept on one line."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


def field_kind(part: Part, spec: Field) -> str:
    """"choice" (a select), "short" (one line) or "long" (paragraphs)."""
    if spec.choices is not None:
        return "choice"
    return "long" if spec.max_length is None and part.key(spec) not in SHORT_TEXT else "short"


def _form_field(part: Part, spec: Field) -> forms.Field:
    key = part.key(spec)
    label = part.noun.capitalize() if part.strings else _label(key)
    common = {"label": label, "help_text": FIELD_HELP.get(key, "")}
    kind = field_kind(part, spec)
    if kind == "choice":
        choices = [(value, choice_label(spec.choices, value)) for value in spec.choices]
        if not spec.default:
            choices.insert(0, ("", "Choose…" if spec.required else "—"))
        field = forms.ChoiceField(choices=choices, required=spec.required, initial=spec.default, **common,
                                  error_messages={"required": f"Choose a {label.lower()}.",
                                                  "invalid_choice": "Choose one of the listed options."})
    else:
        in_table = part.kind == "rows"
        if kind == "long":
            widget, field_class = forms.Textarea(attrs={"rows": 2 if in_table else 4}), forms.CharField
        else:
            widget = (forms.Textarea(attrs={"rows": 1, "data-single-line": ""}) if in_table else forms.TextInput())
            field_class = SingleLineField
        field = field_class(
            required=spec.required, max_length=spec.max_length, widget=widget, **common,
            error_messages={"required": f"{label} is required.",
                            "max_length": "Keep it to %(limit_value)d characters (it has %(show_value)d)."})
    field.kind = kind
    return field


class EditorForm(forms.Form):
    # The server checks everything and lists every problem at once; a browser "required" bubble
    # would stop "Add row" and hide the summary.
    use_required_attribute = False


@lru_cache(maxsize=None)
def row_formset_class(path: str, anchor: str):
    part = next(p for p in section_parts(anchor) if p.path == path)
    fields = {f.name: _form_field(part, f) for f in part.fields}
    for group in COLUMN_GROUPS.get(path, ()):
        for name in group if len(group) > 1 else ():
            attr = "title" if fields[name].kind == "choice" else "placeholder"
            fields[name].widget.attrs[attr] = fields[name].label + ("" if fields[name].required else " (optional)")
    form_class = type(f"{part.prefix.title()}RowForm", (EditorForm,), fields)
    return formset_factory(form_class, extra=0, max_num=MAX_ROWS, validate_max=True,
                           absolute_max=post_field_limit(anchor))


def post_field_limit(anchor: str) -> int:
    """How many fields a section's form may post: each of its lists at MAX_ROWS rows (common.post_limits)."""
    if anchor not in SECTION_BY_ANCHOR:
        return FORM_FIELDS  # the page is a 404
    return FORM_FIELDS + sum(len(part.fields) if part.kind == "fields" else 4 + MAX_ROWS * len(part.fields)
                             for part in section_parts(anchor))


def fields_form(part: Part, *, data=None, initial=None, families: list[str] | None = None) -> forms.Form:
    """The plain fields of `part`. `families`: the family choices of an editor (None: free text, for admins)."""
    form = EditorForm(data=data, initial=initial, prefix=part.prefix)
    for spec in part.fields:
        form.fields[spec.name] = _form_field(part, spec)
    if "family" in form.fields and families is not None:
        current = (initial or {}).get("family") or (data or {}).get(f"{part.prefix}-family", "")
        options = sorted(set(families) | ({current} if current else set()))
        form.fields["family"] = forms.ChoiceField(choices=[(f, f) for f in options], label="Family",
                                                  help_text="You can move the role to another family you edit.")
    return form


def _management(prefix: str, count: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": str(count),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": str(MAX_ROWS)}


def read_posted_rows(part: Part, data) -> list[dict]:
    """The rows as posted, untouched (no validation), so a re-rendered form keeps everything typed; all of
    them, past MAX_ROWS too (the formset then says how many to remove). A row is there if a field of it was
    posted, so there are no more rows than fields, whatever TOTAL_FORMS claims."""
    try:
        total = int(data.get(f"{part.prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    rows = []
    for index in range(max(0, min(total, len(data)))):
        names = {f.name: f"{part.prefix}-{index}-{f.name}" for f in part.fields}
        if any(name in data for name in names.values()):
            rows.append({field: data.get(name, "") for field, name in names.items()})
    return rows


@dataclass
class PartForm:
    """A part with its form (fields) or formset (rows), ready for the template."""

    part: Part
    form: forms.Form | None = None
    formset: object = None
    focus_row: int | None = None   # the row just added or moved, to focus and scroll to

    @property
    def id(self) -> str:
        return f"part-{self.part.prefix}"

    def _groups(self) -> tuple[tuple[str, ...], ...]:
        return COLUMN_GROUPS.get(self.part.path) or tuple((f.name,) for f in self.part.fields)

    @property
    def headers(self) -> list[dict]:
        """The table's columns: label, width class ("choice", "short", "long", "group"), required."""
        empty = self.formset.empty_form
        out = []
        for group in self._groups():
            fields = [empty.fields[name] for name in group]
            out.append({"label": " · ".join(f.label for f in fields if f.kind != "short" or len(fields) == 1
                                            or f is fields[0]), "names": "-".join(group),
                        "kind": fields[0].kind if len(fields) == 1 else "group",
                        "required": all(f.required for f in fields)})
        return out

    @property
    def rows(self) -> list[dict]:
        """Each form with its cells (lists of bound fields, one list per column)."""
        groups = self._groups()
        return [{"form": form, "index": index, "number": index + 1,
                 "cells": [{"fields": [form[name] for name in group], "grouped": len(group) > 1} for group in groups]}
                for index, form in enumerate(self.formset)]


class SectionForms:
    """Every form of one editor section, bound to posted data or filled from a document."""

    def __init__(self, anchor: str, *, families: list[str] | None = None):
        self.anchor = anchor
        self.info = SECTION_BY_ANCHOR[anchor]
        self.parts = section_parts(anchor)
        self.families = families
        self.items: list[PartForm] = []
        self.summary_errors: list[str] = []
        self.too_long: list[str] = []  # lists of the document longer than the editor takes, e.g. "KPIs (2,300 rows)"

    # ---- building -------------------------------------------------------------------------------
    @classmethod
    def from_document(cls, anchor: str, doc: dict, **kwargs) -> "SectionForms":
        self = cls(anchor, **kwargs)
        for part in self.parts:
            if part.kind == "fields":
                initial = {f.name: doc[part.path].get(f.name, "") for f in part.fields}
                self.items.append(PartForm(part, form=fields_form(part, initial=initial, families=self.families)))
            else:
                rows = part.to_rows(get_path(doc, part.path))
                if len(rows) > MAX_ROWS:
                    self.too_long.append(f"{part.label} ({len(rows):,} rows)")
                self.items.append(self._formset(part, rows, bound=False))
        return self

    @classmethod
    def from_post(cls, anchor: str, data, **kwargs) -> "SectionForms":
        """Bound forms of what was posted; blank rows are dropped (an unused "Add row" is not an error)."""
        self = cls(anchor, **kwargs)
        for part in self.parts:
            if part.kind == "fields":
                self.items.append(PartForm(part, form=fields_form(part, data=data, families=self.families)))
            else:
                rows = [row for row in read_posted_rows(part, data) if not part.is_blank(row)]
                self.items.append(self._formset(part, rows, bound=True))
        return self

    @classmethod
    def rearranged(cls, anchor: str, data, action: tuple[str, str, int | None] | None, **kwargs) -> "SectionForms":
        """The posted forms with one row added, removed or moved (as posted without an action), unbound (no
        errors shown yet). A list of MAX_ROWS rows gets no more: the summary says so."""
        self = cls(anchor, **kwargs)
        prefix, op, index = action or ("", "", None)
        for part in self.parts:
            if part.kind == "fields":
                initial = {f.name: data.get(f"{part.prefix}-{f.name}", "") for f in part.fields}
                self.items.append(PartForm(part, form=fields_form(part, initial=initial, families=self.families)))
                continue
            rows = read_posted_rows(part, data)
            focus = None
            if part.prefix == prefix and op == "add" and len(rows) >= MAX_ROWS:
                self.summary_errors.append(f"{part.label} has {len(rows):,} rows, the most a list may have.")
                op = ""
            if part.prefix == prefix:
                rows, focus = _rearrange(part, rows, op, index)
            item = self._formset(part, rows, bound=False)
            item.focus_row = focus
            if op == "add" and part.prefix == prefix:
                new_row = item.formset.forms[-1]
                first_text = next(n for n, f in new_row.fields.items() if not isinstance(f, forms.ChoiceField))
                new_row.fields[first_text].widget.attrs["autofocus"] = True
            self.items.append(item)
        return self

    def _formset(self, part: Part, rows: list[dict], *, bound: bool) -> PartForm:
        formset_class = row_formset_class(part.path, self.anchor)
        if bound:
            data = _management(part.prefix, len(rows))
            for index, row in enumerate(rows):
                data.update({f"{part.prefix}-{index}-{name}": value for name, value in row.items()})
            too_many = (f"{part.label} has {len(rows):,} rows; a list may have at most {MAX_ROWS:,}. Remove "
                        f"{len(rows) - MAX_ROWS:,} and save again.")
            return PartForm(part, formset=formset_class(data=data, prefix=part.prefix,
                                                        error_messages={"too_many_forms": too_many}))
        return PartForm(part, formset=formset_class(initial=rows, prefix=part.prefix))

    def make_read_only(self) -> None:
        for item in self.items:
            for form in ([item.form] if item.form is not None else list(item.formset)):
                for field in form.fields.values():
                    field.disabled = True

    # ---- reading --------------------------------------------------------------------------------
    def is_valid(self) -> bool:
        valid = True
        for item in self.items:
            valid &= item.form.is_valid() if item.form is not None else item.formset.is_valid()
        return valid

    def values(self) -> dict[str, object]:
        """Document path → new value (e.g. "kpis" → [...], "role" → {title, family, …}) of valid forms."""
        out: dict[str, object] = {}
        for item in self.items:
            if item.form is not None:
                out[item.part.path] = {name: (value or "") for name, value in item.form.cleaned_data.items()}
            else:
                out[item.part.path] = item.part.to_value([form.cleaned_data for form in item.formset])
        return out

    def apply_to(self, doc: dict) -> dict:
        """`doc` with this section's values put in place (plain fields merged into their object)."""
        for path, value in self.values().items():
            head, _, tail = path.partition(".")
            if isinstance(value, dict):
                doc[head] = {**doc[head], **value}
            elif tail:
                doc[head] = {**doc[head], tail: value}
            else:
                doc[head] = value
        return doc

    def add_format_error(self, error: FormatError) -> None:
        """Show a validator's error next to the field it names ("kpis[3].target"), else in the summary."""
        match = WHERE.match(error.where or "")
        message = error.message[:1].upper() + error.message[1:]
        if match:
            path, index, name = match["path"], match["index"], match["field"]
            for item in self.items:
                if item.form is not None and path.partition(".")[0] == item.part.path and index is None:
                    field = path.partition(".")[2]
                    if field in item.form.fields:
                        item.form.add_error(field, message)
                        return
                if item.formset is not None and item.part.path == path and index is not None:
                    forms_ = list(item.formset)
                    field = name or "text"
                    if int(index) < len(forms_) and field in forms_[int(index)].fields:
                        forms_[int(index)].add_error(field, message)
                        return
        self.summary_errors.append(f"{error.where}: {message}" if error.where else message)

    def error_list(self) -> list[dict]:
        """Every problem, for the summary at the top: where (in words), what, and the id to jump to."""
        out = [{"where": "", "message": message, "anchor": ""} for message in self.summary_errors]
        for item in self.items:
            if item.form is not None:
                for name, errors in item.form.errors.items():
                    label = item.form.fields[name].label if name in item.form.fields else ""
                    out += [{"where": label, "message": e, "anchor": item.form[name].auto_id if label else item.id}
                            for e in errors]
                continue
            several = sum(1 for i in self.items if i.formset is not None) > 1
            for index, form in enumerate(item.formset):
                for name, errors in form.errors.items():
                    # "KPI 4, Target"; "Strong signals, signal 3" where a section has several lists.
                    where = f"{item.part.noun} {index + 1}"
                    where = f"{item.part.label}, {where}" if several else where[:1].upper() + where[1:]
                    label = form.fields[name].label if name in form.fields else ""
                    if label and label.lower() != item.part.noun.lower():
                        where += f", {label}"
                    out += [{"where": where, "message": e,
                             "anchor": form[name].auto_id if name in form.fields else item.id} for e in errors]
            out += [{"where": item.part.label, "message": e, "anchor": item.id}
                    for e in item.formset.non_form_errors()]
        return out



def _rearrange(part: Part, rows: list[dict], op: str, index: int | None) -> tuple[list[dict], int | None]:
    rows = list(rows)
    if op == "add":
        rows.append({f.name: f.default for f in part.fields})
        return rows, len(rows) - 1
    if index is None or not 0 <= index < len(rows):
        return rows, None
    if op == "remove":
        rows.pop(index)
        return rows, min(index, len(rows) - 1) if rows else None
    target = index - 1 if op == "move-up" else index + 1
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        return rows, target
    return rows, index


def row_action(anchor: str, data) -> tuple[str, str, int | None] | None:
    """(prefix, op, index) of the row button that submitted the form, if one did."""
    prefixes = {part.prefix for part in section_parts(anchor) if part.kind == "rows"}
    for key in data:
        prefix, _, rest = key.partition("-")
        if prefix in prefixes and (match := ROW_ACTION.match(rest)):
            return prefix, match["op"], int(match["index"]) if match["index"] is not None else None
    return None


def section_snapshot(anchor: str, doc: dict) -> dict:
    return {path: get_path(doc, path) for path in SECTION_BY_ANCHOR[anchor].paths}


def sign_snapshot(snapshot: dict) -> str:
    """The section as the editor loaded it, carried in the form so a conflict can show what changed since."""
    return signing.dumps(snapshot, salt=LOADED_SALT, compress=True)


def read_snapshot(value: str) -> dict | None:
    try:
        return signing.loads(value or "", salt=LOADED_SALT)
    except signing.BadSignature:
        return None


class ChangeNoteForm(EditorForm):
    note = forms.CharField(
        label="Change note", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed and why, for the approver and for the version history.",
        error_messages={"required": "Write a change note: say what changed and why."})


class SendBackForm(EditorForm):
    comment = forms.CharField(
        label="What should the editor change?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The editor sees this at the top of the draft.",
        error_messages={"required": "Write a comment: tell the editor what to change."})


def _family_field(families: list[str] | None, known: list[str], initial: str = "") -> forms.Field:
    if families is None:  # admins: any family, existing ones suggested
        return forms.CharField(label="Family", max_length=200, initial=initial,
                               help_text="An existing family or a new one.",
                               widget=forms.TextInput(attrs={"list": "known-families"}),
                               error_messages={"required": "Family is required."})
    return forms.ChoiceField(label="Family", choices=[(f, f) for f in families], initial=initial,
                             help_text="Only the families you are assigned to edit.",
                             error_messages={"required": "Choose a family."})


class NewRoleForm(EditorForm):
    title = forms.CharField(label="Title", max_length=200, help_text="E.g. “Mid-level Applied AI Engineer”.",
                            error_messages={"required": "Title is required."})
    level = forms.ChoiceField(label="Level", choices=Level.choices, initial=Level.MID)
    slug = forms.SlugField(label="Web address", max_length=150, required=False,
                           help_text="Lower-case letters, digits and hyphens; left empty, it is made from the title.",
                           error_messages={"invalid": "Use lower-case letters, digits and single hyphens only."})

    def __init__(self, *args, families: list[str] | None, known_families: list[str] = (), family: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.known_families = known_families
        field = _family_field(families, known_families, family)
        # Family goes second, after the title.
        self.fields = {"title": self.fields["title"], "family": field,
                       **{k: v for k, v in self.fields.items() if k != "title"}}

    def add_format_error(self, error: FormatError) -> None:
        name = {"role.slug": "slug", "role.title": "title", "role.family": "family",
                "role.level": "level"}.get(error.where)
        message = error.message[:1].upper() + error.message[1:]
        if name == "slug" and not self.data.get(self.add_prefix("slug")):
            name, message = "title", f"{message} — choose another title or give a web address below."
        self.add_error(name, message)


class DuplicateRoleForm(NewRoleForm):
    title = forms.CharField(label="Title of the new role", max_length=200,
                            error_messages={"required": "Title is required."})
