"""What changes between two roles, summarised for someone moving from one to the other (e.g. junior → mid)."""
from dataclasses import dataclass, field

from roles.diffing import diff_value
from roles.row_matching import MatchBudget

IMPORTANCE_RANK = {"unspecified": 0, "optional": 1, "important": 2, "critical": 3}
TIER_RANK = {"emerging": 0, "advanced": 1, "good_to_have": 2, "must_have": 3}


@dataclass
class SkillDelta:
    name: str
    old: dict | None
    new: dict | None


@dataclass
class KpiDelta:
    name: str
    old_target: str | None
    new_target: str | None


@dataclass
class WeightDelta:
    dimension: str
    old: str | None
    new: str | None


@dataclass
class RoleComparison:
    skills_added: list[SkillDelta] = field(default_factory=list)
    skills_raised: list[SkillDelta] = field(default_factory=list)
    skills_lowered: list[SkillDelta] = field(default_factory=list)
    skills_dropped: list[SkillDelta] = field(default_factory=list)
    responsibilities_new: list[dict] = field(default_factory=list)
    responsibilities_dropped: list[dict] = field(default_factory=list)
    # Too many to pair within the request's budget: reworded ones are among the new and the dropped.
    responsibilities_unpaired: bool = False
    kpis_differ: list[KpiDelta] = field(default_factory=list)
    weights_changed: list[WeightDelta] = field(default_factory=list)


def _rank(skill: dict) -> tuple[int, int]:
    return IMPORTANCE_RANK.get(skill["importance"], 0), TIER_RANK.get(skill["tier"], 0)


def compare_documents(a: dict, b: dict, *, budget: MatchBudget | None = None) -> RoleComparison:
    """Deltas from role `a` to role `b` that matter when moving up: skills, duties, KPIs, rubric weights.
    Responsibilities are paired like the version diff's rows, within `budget` (the page shares one with its diff)."""
    result = RoleComparison()
    skills_a = {s["name"].lower(): s for s in a["technical_skills"]}
    skills_b = {s["name"].lower(): s for s in b["technical_skills"]}
    for key, skill in skills_b.items():
        before = skills_a.get(key)
        if before is None:
            result.skills_added.append(SkillDelta(skill["name"], None, skill))
        elif _rank(skill) > _rank(before):
            result.skills_raised.append(SkillDelta(skill["name"], before, skill))
        elif _rank(skill) < _rank(before):
            result.skills_lowered.append(SkillDelta(skill["name"], before, skill))
    result.skills_dropped = [SkillDelta(s["name"], s, None) for k, s in skills_a.items() if k not in skills_b]

    duties = diff_value("responsibilities", a["responsibilities"], b["responsibilities"], budget=budget)
    result.responsibilities_unpaired = not duties.row_by_row
    for change in duties.changes:
        if change.kind == "added":
            result.responsibilities_new.append(change.new)
        elif change.kind == "removed":
            result.responsibilities_dropped.append(change.old)

    kpis_a = {k["name"].lower(): k for k in a["kpis"]}
    kpis_b = {k["name"].lower(): k for k in b["kpis"]}
    for key in [*kpis_a, *(k for k in kpis_b if k not in kpis_a)]:
        old, new = kpis_a.get(key), kpis_b.get(key)
        if old is None or new is None or old["target"] != new["target"]:
            result.kpis_differ.append(KpiDelta((new or old)["name"], old and old["target"], new and new["target"]))

    dims_a = {d["dimension"].lower(): d for d in a["hiring"]["scorecard"]}
    dims_b = {d["dimension"].lower(): d for d in b["hiring"]["scorecard"]}
    for key in [*dims_a, *(k for k in dims_b if k not in dims_a)]:
        old, new = dims_a.get(key), dims_b.get(key)
        if old is None or new is None or old["weight"] != new["weight"]:
            result.weights_changed.append(WeightDelta((new or old)["dimension"], old and old["weight"],
                                                      new and new["weight"]))
    return result
