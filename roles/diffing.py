"""Differences between two blueprint documents, section by section.

Rows of each list are matched across the versions (roles.row_matching: identical rows first, then
rows with the same name, then rows similar enough), so that a row can be reported as added,
removed, changed (with word-level highlighting per field) or moved (its place among the matched
rows changed). One MatchBudget bounds the work of a whole diff: a list it does not cover is shown
as added and removed rows (`PathDiff.row_by_row` is False), and once its time is up, changed text
is shown as one deletion and one insertion between the words the two versions start and end with.
"""
import difflib
import re
from dataclasses import dataclass, field

from roles.blueprint_format.sections import ROW_KEYS, SECTIONS, get_path
from roles.row_matching import MatchBudget, match_rows

WORD_DIFF_TOKENS = 600   # words and spaces compared word by word per field (about 150 words a side)
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class WordSpan:
    op: str      # "equal", "insert" or "delete"
    text: str


@dataclass
class FieldChange:
    name: str
    old: str
    new: str
    words: list[WordSpan]


@dataclass
class RowChange:
    kind: str                     # "added", "removed", "changed" or "moved"
    label: str
    old: dict | str | None
    new: dict | str | None
    old_index: int | None
    new_index: int | None
    fields: list[FieldChange] = field(default_factory=list)
    moved: bool = False           # a changed row can also have moved


@dataclass
class PathDiff:
    path: str
    changes: list[RowChange]
    row_by_row: bool = True       # False: rows were too many to pair by similarity within the budget


@dataclass
class SectionDiff:
    anchor: str
    title: str
    parts: list[PathDiff]

    @property
    def count(self) -> int:
        return sum(len(p.changes) for p in self.parts)

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for part in self.parts:
            for change in part.changes:
                tally[change.kind] = tally.get(change.kind, 0) + 1
        return tally


def word_diff(old: str, new: str, *, limit: int = WORD_DIFF_TOKENS) -> list[WordSpan]:
    """The new text against the old, as equal / deleted / inserted runs of words. Word-by-word comparison
    can take time quadratic and worse in the length, so at most `limit` words and spaces are compared:
    past it, the common start and end are found (in linear time) and only what lies between is compared,
    or, if that is still too long, shown as one deletion and one insertion."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    if len(a) + len(b) <= limit:
        return _word_spans(a, b)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    if len(middle_a) + len(middle_b) <= limit:
        middle = _word_spans(middle_a, middle_b)
    else:
        middle = [WordSpan("delete", "".join(middle_a)), WordSpan("insert", "".join(middle_b))]
    spans = [WordSpan("equal", "".join(a[:start])), *middle, WordSpan("equal", "".join(a[len(a) - end:]))]
    return [span for span in spans if span.text]


def _word_spans(a: list[str], b: list[str]) -> list[WordSpan]:
    spans: list[WordSpan] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            spans.append(WordSpan("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            spans.append(WordSpan("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            spans.append(WordSpan("insert", "".join(b[j1:j2])))
    return spans


def _label(row, key: str | None) -> str:
    if isinstance(row, dict):
        value = row.get(key) if key else None
        return str(value or row.get("text") or next(iter(row.values()), ""))
    return str(row)


def _stable(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The largest set of pairs whose order agrees in both versions (the rest have moved)."""
    news = [j for _, j in pairs]
    # Longest increasing subsequence of the new positions, keeping back-pointers.
    tails: list[int] = []
    prev = [-1] * len(news)
    for index, value in enumerate(news):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if news[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        prev[index] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(index)
        else:
            tails[lo] = index
    keep, index = set(), tails[-1] if tails else -1
    while index != -1:
        keep.add(pairs[index])
        index = prev[index]
    return keep


def _word_limit(budget: MatchBudget) -> int:
    return 0 if budget.out_of_time() else WORD_DIFF_TOKENS


def _field_changes(old, new, budget: MatchBudget) -> list[FieldChange]:
    if not isinstance(old, dict):
        return [FieldChange("text", old, new, word_diff(old, new, limit=_word_limit(budget)))] if old != new else []
    return [FieldChange(name, str(old.get(name, "")), str(new.get(name, "")),
                        word_diff(str(old.get(name, "")), str(new.get(name, "")), limit=_word_limit(budget)))
            for name in new if old.get(name) != new.get(name)]


def _diff_rows(old: list, new: list, key: str | None, budget: MatchBudget) -> tuple[list[RowChange], bool]:
    pairs, row_by_row = match_rows(old, new, key, budget)
    stable = _stable(pairs)
    changes: list[RowChange] = []
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    for i, j in pairs:
        fields = _field_changes(old[i], new[j], budget)
        moved = (i, j) not in stable
        if fields or moved:
            changes.append(RowChange("changed" if fields else "moved", _label(new[j], key), old[i], new[j], i, j,
                                     fields, moved))
    changes += [RowChange("removed", _label(old[i], key), old[i], None, i, None)
                for i in range(len(old)) if i not in matched_old]
    changes += [RowChange("added", _label(new[j], key), None, new[j], None, j)
                for j in range(len(new)) if j not in matched_new]
    # Read in the new version's order; removed rows sit where they used to be.
    changes.sort(key=lambda c: (c.new_index if c.new_index is not None else c.old_index, c.kind != "removed"))
    return changes, row_by_row


def diff_value(path: str, old, new, *, budget: MatchBudget | None = None) -> PathDiff:
    """The changes at one path of the document (a list of rows, or one text)."""
    budget = budget or MatchBudget()
    if isinstance(old, list) or isinstance(new, list):
        changes, row_by_row = _diff_rows(old or [], new or [], ROW_KEYS.get(path), budget)
        return PathDiff(path, changes, row_by_row)
    if old == new:
        return PathDiff(path, [])
    name = path.rsplit(".", 1)[-1]
    words = word_diff(old or "", new or "", limit=_word_limit(budget))
    return PathDiff(path, [RowChange("changed", name.replace("_", " "), old, new, None, None,
                                     [FieldChange(name, old or "", new or "", words)])])


def diff_documents(old: dict, new: dict, *, budget: MatchBudget | None = None) -> list[SectionDiff]:
    """Every section with at least one difference, in the blueprint's order; one budget for them all."""
    budget = budget or MatchBudget()
    sections = []
    for info in SECTIONS:
        parts = [part for path in info.paths
                 if (part := diff_value(path, get_path(old, path), get_path(new, path), budget=budget)).changes]
        if parts:
            sections.append(SectionDiff(info.anchor, info.title, parts))
    return sections
