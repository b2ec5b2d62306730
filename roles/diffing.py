"""Differences between two blueprint documents, section by section.

Rows of each list are matched across the versions (identical rows first, then rows with the
same name, then rows similar enough), so that a row can be reported as added, removed,
changed (with word-level highlighting per field) or moved (its place among the matched
rows changed).
"""
import difflib
import re
from dataclasses import dataclass, field

from roles.blueprint_format.sections import ROW_KEYS, SECTIONS, get_path

SIMILAR_ENOUGH = 0.6
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


def word_diff(old: str, new: str) -> list[WordSpan]:
    """The new text against the old, as equal / deleted / inserted runs of words."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
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


def _text(row) -> str:
    return " ".join(str(v) for v in row.values()) if isinstance(row, dict) else str(row)


def _label(row, key: str | None) -> str:
    if isinstance(row, dict):
        value = row.get(key) if key else None
        return str(value or row.get("text") or next(iter(row.values()), ""))
    return str(row)


def _match(old: list, new: list, key: str | None) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of rows that are the same row in both versions."""
    pairs: list[tuple[int, int]] = []
    free_old, free_new = set(range(len(old))), set(range(len(new)))

    def claim(test):
        for i in sorted(free_old):
            for j in sorted(free_new):
                if test(old[i], new[j]):
                    pairs.append((i, j))
                    free_old.discard(i)
                    free_new.discard(j)
                    break

    claim(lambda a, b: a == b)
    if key:
        claim(lambda a, b: a.get(key) and a.get(key) == b.get(key))
    # Remaining rows pair up greedily by similarity, best pairs first.
    scored = sorted(((difflib.SequenceMatcher(None, _text(old[i]), _text(new[j])).ratio(), i, j)
                     for i in free_old for j in free_new), reverse=True)
    for ratio, i, j in scored:
        if ratio < SIMILAR_ENOUGH:
            break
        if i in free_old and j in free_new:
            pairs.append((i, j))
            free_old.discard(i)
            free_new.discard(j)
    return sorted(pairs)


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


def _field_changes(old, new) -> list[FieldChange]:
    if not isinstance(old, dict):
        return [FieldChange("text", old, new, word_diff(old, new))] if old != new else []
    return [FieldChange(name, str(old.get(name, "")), str(new.get(name, "")),
                        word_diff(str(old.get(name, "")), str(new.get(name, ""))))
            for name in new if old.get(name) != new.get(name)]


def diff_list(old: list, new: list, key: str | None = None) -> list[RowChange]:
    pairs = _match(old, new, key)
    stable = _stable(pairs)
    changes: list[RowChange] = []
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    for i, j in pairs:
        fields = _field_changes(old[i], new[j])
        moved = (i, j) not in stable
        if fields or moved:
            changes.append(RowChange("changed" if fields else "moved", _label(new[j], key), old[i], new[j], i, j,
                                     fields, moved))
    changes += [RowChange("removed", _label(old[i], key), old[i], None, i, None)
                for i in range(len(old)) if i not in matched_old]
    changes += [RowChange("added", _label(new[j], key), None, new[j], None, j)
                for j in range(len(new)) if j not in matched_new]
    # Read in the new version's order; removed rows sit where they used to be.
    return sorted(changes, key=lambda c: (c.new_index if c.new_index is not None else c.old_index, c.kind != "removed"))


def diff_value(path: str, old, new) -> list[RowChange]:
    if isinstance(old, list) or isinstance(new, list):
        return diff_list(old or [], new or [], ROW_KEYS.get(path))
    if old == new:
        return []
    name = path.rsplit(".", 1)[-1]
    return [RowChange("changed", name.replace("_", " "), old, new, None, None,
                      [FieldChange(name, old or "", new or "", word_diff(old or "", new or ""))])]


def diff_documents(old: dict, new: dict) -> list[SectionDiff]:
    """Every section with at least one difference, in the blueprint's order."""
    sections = []
    for info in SECTIONS:
        parts = [PathDiff(path, changes) for path in info.paths
                 if (changes := diff_value(path, get_path(old, path), get_path(new, path)))]
        if parts:
            sections.append(SectionDiff(info.anchor, info.title, parts))
    return sections
