"""Comparing two roles: the deltas a person cares about when moving up a level."""
from roles.blueprint_format import validate_document
from roles.blueprint_format.synthetic import make_document
from roles.comparing import compare_documents


def _pair():
    junior = validate_document(make_document("Junior Platform Engineer"))
    mid = validate_document(make_document("Platform Engineer"))
    return junior, mid


def test_the_same_content_compares_empty_apart_from_nothing():
    junior, mid = _pair()
    mid["responsibilities"] = junior["responsibilities"]
    assert not any(vars(compare_documents(junior, mid)).values())


def test_skills_added_raised_lowered_and_dropped():
    junior, mid = _pair()
    mid["technical_skills"][0]["importance"] = "critical"   # was critical: unchanged
    mid["technical_skills"][1]["importance"] = "critical"   # important → critical: raised
    mid["technical_skills"][4]["importance"] = "optional"   # critical → optional: lowered
    mid["technical_skills"].append({"tier": "must_have", "name": "System design", "importance": "critical",
                                    "importance_note": "", "description": "", "use": ""})
    dropped = mid["technical_skills"].pop(3)["name"]
    result = compare_documents(junior, mid)
    assert [d.name for d in result.skills_added] == ["System design"]
    assert [(d.name, d.old["importance"], d.new["importance"]) for d in result.skills_raised] == [
        (junior["technical_skills"][1]["name"], "important", "critical")]
    assert [d.name for d in result.skills_lowered] == [junior["technical_skills"][4]["name"]]
    assert [d.name for d in result.skills_dropped] == [dropped]


def test_new_responsibilities_kpi_targets_and_scorecard_weights():
    junior, mid = _pair()
    mid["responsibilities"] = junior["responsibilities"] + [
        {"category": "leadership", "title": "Mentor two junior engineers through their first year", "detail": ""}]
    mid["kpis"][0]["target"] = "90–95% of tasks"
    mid["kpis"].append({"name": "Design docs reviewed", "measures": "", "rationale": "", "target": "2 a month",
                        "frequency": "Monthly"})
    mid["hiring"]["scorecard"][1]["weight"] = "high"
    result = compare_documents(junior, mid)
    assert [r["title"] for r in result.responsibilities_new] == [
        "Mentor two junior engineers through their first year"]
    assert [(k.name, k.old_target, k.new_target) for k in result.kpis_differ] == [
        ("KPI 1", "60–90% of tasks", "90–95% of tasks"), ("Design docs reviewed", None, "2 a month")]
    assert [(w.dimension, w.old, w.new) for w in result.weights_changed] == [("Dimension 2", "medium", "high")]
