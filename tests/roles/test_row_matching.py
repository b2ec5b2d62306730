"""Row matching stays near-linear and within its budget, and pairs small lists exactly as scoring every pair did.

Before the index, every leftover row was scored against every other: 150 reworded rows cost 22,500
SequenceMatcher ratios (about 40 s), and a page of them timed out.
"""
import difflib
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from roles.blueprint_format.synthetic import make_document
from roles.diffing import diff_documents, diff_value
from roles.management.commands.bench_diff import reworded_pair, reworded_rows
from roles.row_matching import CANDIDATES, SIMILAR_ENOUGH, MatchBudget, match_rows, row_text

UNLIMITED = {"limit": 10**9, "seconds": math.inf}


def _responsibilities(sections):
    return next(p for s in sections for p in s.parts if p.path == "responsibilities")


def test_reworded_rows_are_paired_scoring_a_bounded_number_of_pairs_per_row():
    old, new = reworded_pair(150)
    budget = MatchBudget(**UNLIMITED)
    part = _responsibilities(diff_documents(old, new, budget=budget))
    assert part.row_by_row
    assert [c.kind for c in part.changes] == ["changed"] * 150
    assert all(c.old_index == c.new_index for c in part.changes)   # each row with its own rewording
    assert budget.scored <= CANDIDATES * 150                       # all pairs: 150 × 150 = 22,500


def test_past_the_budget_leftover_rows_are_added_and_removed_and_nothing_more_is_scored():
    old, new = reworded_rows(150)
    new[10] = dict(old[10])                                          # identical: still paired by hashing
    new[20] = {**old[20], "detail": "Reworded detail, same title"}   # same title: still paired by name
    budget = MatchBudget(limit=100, seconds=math.inf)
    part = diff_value("responsibilities", old, new, budget=budget)
    assert not part.row_by_row and budget.scored == 0
    kinds = [c.kind for c in part.changes]
    assert kinds.count("added") == kinds.count("removed") == 148
    assert [(c.kind, c.old_index) for c in part.changes if c.kind not in ("added", "removed")] == [("changed", 20)]


def test_the_budget_is_shared_by_every_list_of_a_diff():
    old, new = reworded_pair(150)
    for key in ("mission", "success"):
        new[key] = make_document("Other Engineer")[key]
    budget = MatchBudget(limit=160, seconds=math.inf)
    sections = diff_documents(old, new, budget=budget)
    paired = {p.path: p.row_by_row for s in sections for p in s.parts}
    # In the blueprint's order: the outcomes fit (16 pairs), 150 responsibilities do not, the success lists do.
    assert paired == {"mission.core": True, "mission.outcomes": True, "responsibilities": False,
                      "success.definition": True, "success.high_performance": True}
    assert budget.scored == 16 + 36 + 16


def test_out_of_time_lists_are_unpaired_and_text_is_one_deletion_and_one_insertion():
    old, new = reworded_pair(20)
    new["role"]["summary"] = old["role"]["summary"].replace("paragraph one", "opening paragraph")
    budget = MatchBudget(limit=10**9, seconds=0)
    sections = {s.anchor: s for s in diff_documents(old, new, budget=budget)}
    assert not sections["responsibilities"].parts[0].row_by_row and budget.scored == 0
    words = sections["summary"].parts[0].changes[0].fields[0].words
    assert [(w.op, w.text) for w in words] == [
        ("equal", "Bench Diff Engineer summary "), ("delete", "paragraph one."), ("insert", "opening paragraph."),
        ("equal", "\n\nParagraph two (0).")]


# ---- small lists: the same pairs as scoring every pair ------------------------------------------------------

def _all_pairs(old: list, new: list, key: str | None) -> list[tuple[int, int]]:
    """The matching as it was before the index: first identical, then same-name rows, in order; then every
    leftover pair scored, best first."""
    pairs, free_old, free_new = [], list(range(len(old))), list(range(len(new)))
    for same in (lambda a, b: a == b, lambda a, b: key and a.get(key) and a.get(key) == b.get(key)):
        for i in list(free_old):
            j = next((j for j in free_new if same(old[i], new[j])), None)
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    scored = sorted(((difflib.SequenceMatcher(None, row_text(old[i]), row_text(new[j])).ratio(), i, j)
                     for i in free_old for j in free_new), reverse=True)
    for ratio, i, j in scored:
        if ratio >= SIMILAR_ENOUGH and i in free_old and j in free_new:
            pairs.append((i, j))
            free_old.remove(i)
            free_new.remove(j)
    return sorted(pairs)


WORDS = st.sampled_from(["own", "the", "roadmap", "review", "code", "data", "pipelines", "weekly", "mentor", "x"])
ROW = st.fixed_dictionaries({"name": st.lists(WORDS, min_size=1, max_size=3).map(" ".join),
                             "detail": st.lists(WORDS, max_size=8).map(" ".join)})


@settings(max_examples=300, deadline=None)
@given(old=st.lists(ROW, max_size=CANDIDATES), new=st.lists(ROW, max_size=CANDIDATES), keyed=st.booleans())
def test_small_lists_pair_exactly_as_scoring_every_pair_did(old, new, keyed):
    key = "name" if keyed else None
    pairs, row_by_row = match_rows(old, new, key, MatchBudget(**UNLIMITED))
    assert row_by_row and pairs == _all_pairs(old, new, key)
