"""The version diff on constructed changes: added, removed, moved, changed (with word-level spans)."""
import copy

from roles.blueprint_format import validate_document
from roles.blueprint_format.synthetic import make_document
from roles.diffing import WordSpan, diff_documents, diff_value, word_diff


def _base():
    return validate_document(make_document("Diff Engineer"))


def _kinds(changes):
    return [(c.kind, c.label) for c in changes]


def test_identical_documents_have_no_differences():
    assert diff_documents(_base(), _base()) == []


def test_word_diff_marks_only_the_changed_words():
    assert word_diff("p95 below 800 ms", "p95 below 300 ms") == [
        WordSpan("equal", "p95 below "), WordSpan("delete", "800"), WordSpan("insert", "300"), WordSpan("equal", " ms")]


def test_added_removed_changed_and_moved_rows_are_told_apart():
    old, new = _base(), _base()
    kpis = new["kpis"]
    kpis[2]["target"] = "At least 95% of tasks"           # changed
    removed = kpis.pop(5)                                 # removed
    kpis.insert(0, kpis.pop(next(i for i, k in enumerate(kpis) if k["name"] == "KPI 11")))  # moved to the top
    kpis.append({"name": "Brand new KPI", "measures": "", "rationale": "", "target": "10", "frequency": ""})
    sections = diff_documents(old, new)
    assert [s.title for s in sections] == ["7) KPIs and productivity metrics"]
    changes = sections[0].parts[0].changes
    assert sorted(_kinds(changes)) == sorted([("moved", "KPI 11"), ("changed", "KPI 3"),
                                               ("removed", removed["name"]), ("added", "Brand new KPI")])
    changed = next(c for c in changes if c.kind == "changed")
    assert [f.name for f in changed.fields] == ["target"]
    assert WordSpan("insert", "At least 95%") in changed.fields[0].words or any(
        s.op == "insert" and "95%" in s.text for s in changed.fields[0].words)
    assert sections[0].counts() == {"moved": 1, "changed": 1, "removed": 1, "added": 1}


def test_a_renamed_row_is_a_change_not_a_removal_and_an_addition():
    old = [{"name": "Cycle time (PR open → merge)", "target": "Median 1–3 business days"}]
    new = [{"name": "Cycle time (PR open to merge)", "target": "Median 1–3 business days"}]
    changes = diff_value("kpis", old, new).changes
    assert _kinds(changes) == [("changed", "Cycle time (PR open to merge)")]
    assert [s.op for s in changes[0].fields[0].words if s.op != "equal"] == ["delete", "insert"]


def test_plain_text_fields_and_text_lists_are_diffed_too():
    old, new = _base(), _base()
    new["role"]["summary"] = old["role"]["summary"].replace("Paragraph two", "Section two")
    new["mission"]["outcomes"] = list(reversed(old["mission"]["outcomes"]))
    new["hiring"]["red_flags"].append("Plagiarism in the take-home")
    sections = {s.anchor: s for s in diff_documents(old, new)}
    assert set(sections) == {"summary", "mission", "hiring"}
    summary = sections["summary"].parts[0].changes[0]
    assert summary.kind == "changed" and summary.fields[0].name == "summary"
    assert {c.kind for c in sections["mission"].parts[0].changes} == {"moved"}
    red = sections["hiring"].parts[0]
    assert red.path == "hiring.red_flags" and _kinds(red.changes) == [("added", "Plagiarism in the take-home")]


def test_a_changed_and_moved_row_reports_both():
    old = [{"name": "A", "t": "1"}, {"name": "B", "t": "2"}, {"name": "C", "t": "3"}]
    new = [{"name": "C", "t": "3 changed"}, {"name": "A", "t": "1"}, {"name": "B", "t": "2"}]
    (change,) = diff_value("kpis", old, new).changes
    assert (change.kind, change.label, change.moved) == ("changed", "C", True)


def test_large_lists_diff_quickly():
    old = validate_document(make_document("Big Engineer", scale=10))
    new = copy.deepcopy(old)
    new["tools"].reverse()
    sections = diff_documents(old, new)
    assert sections[0].anchor == "tools" and sections[0].count == len(old["tools"]) - 1


def test_long_text_is_compared_only_between_its_common_start_and_end():
    words = [f"w{i}" for i in range(2000)]
    old = " ".join(words)
    one_edit = old.replace("w1500", "changed")
    assert [s for s in word_diff(old, one_edit) if s.op != "equal"] == [
        WordSpan("delete", "w1500"), WordSpan("insert", "changed")]
    # Edits far apart leave more than WORD_DIFF_TOKENS between them: one deletion and one insertion, not a
    # word-by-word comparison whose time grows with the square of the length and worse.
    two_edits = one_edit.replace("w10 ", "first ")
    spans = word_diff(old, two_edits)
    assert [s.op for s in spans] == ["equal", "delete", "insert", "equal"]
    assert spans[1].text.startswith("w10 ") and spans[1].text.endswith("w1500")
    assert spans[2].text.startswith("first ") and spans[2].text.endswith("changed")
    assert "".join(s.text for s in spans if s.op != "insert") == old
    assert "".join(s.text for s in spans if s.op != "delete") == two_edits
