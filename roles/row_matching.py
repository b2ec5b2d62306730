"""Which row of one list is which row of another: the matching behind the version diff and the role comparison.

Identical rows pair first, then rows with the same name, then rows similar enough to be one row reworded
(difflib's ratio ≥ SIMILAR_ENOUGH, best pairs first). Any signed-in reader can ask for a diff, so the work
is bounded: the first two steps are hashing; a row left over is scored only against the few rows that
share its rarest words (an inverted index, so no row meets every other), through difflib's cheap upper
bounds before its ratio; and a request has a MatchBudget. Past it, the rows left over stay unpaired, to
be shown as added and removed.
"""
import difflib
import heapq
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.conf import settings

SIMILAR_ENOUGH = 0.6
CANDIDATES = 8           # rows a leftover row is scored against, at most ...
WEAK_CANDIDATE = 0.5     # ... none sharing less than half as much as the best one (a word shared by chance)
RARE_WORDS = 8           # a row's rarest words, which look up its candidates
COMMON_WORD_ROWS = 32    # a word in more rows than this tells too little to look a row up by
MATCH_CHARS = 1000       # rows are compared on the start of their text; rows are rarely longer
_TOKENS = re.compile(r"\w+")

Pair = tuple[int, int]   # (old index, new index)


@dataclass
class MatchBudget:
    """What one request may spend on pairing rows by similarity: `limit` row pairs scored (`scored` counts
    them) and `seconds` in all, a backstop for rows written to be slow to compare. A diff passes one budget
    through all its lists, so the request's work is bounded whatever the documents hold."""
    limit: int = field(default_factory=lambda: settings.DIFF_MAX_PAIRS)
    seconds: float = field(default_factory=lambda: settings.DIFF_MAX_SECONDS)
    scored: int = 0
    started: float = field(default_factory=time.monotonic)

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started >= self.seconds


def row_text(row) -> str:
    return " ".join(str(v) for v in row.values()) if isinstance(row, dict) else str(row)


def _canonical(value) -> str:
    """Equal rows, and only equal rows, have equal canonical forms (dicts in any key order)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _claim_equal(old: list, new: list, free_old: list[int], free_new: list[int], identity) -> list[Pair]:
    """Each free old row, in order, takes the first free new row of the same identity (None: takes none)."""
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j in free_new:
        waiting[identity(new[j])].append(j)
    pairs = []
    for i in free_old:
        ident = identity(old[i])
        if ident is not None and waiting.get(ident):
            pairs.append((i, waiting[ident].popleft()))
    return pairs


def _candidates(old_texts: dict[int, str], new_texts: dict[int, str], allowance: int) -> dict[int, list[int]] | None:
    """For each old row, the new rows worth scoring it against: all of them when there are at most
    CANDIDATES, else those sharing the most of its rarest words, a word weighing less the more rows have it.
    None as soon as there are more pairs than the allowance."""
    if len(new_texts) <= CANDIDATES:
        return {i: list(new_texts) for i in old_texts} if len(old_texts) * len(new_texts) <= allowance else None
    rows_with: dict[str, list[int]] = defaultdict(list)
    for j, text in new_texts.items():
        for word in set(_TOKENS.findall(text)):
            rows_with[word].append(j)
    found: dict[int, list[int]] = {}
    for i, text in old_texts.items():
        words = [w for w in set(_TOKENS.findall(text)) if 0 < len(rows_with.get(w, ())) <= COMMON_WORD_ROWS]
        weight: dict[int, float] = defaultdict(float)
        for word in sorted(words, key=lambda w: (len(rows_with[w]), w))[:RARE_WORDS]:
            for j in rows_with[word]:
                weight[j] += 1 / len(rows_with[word])
        best = heapq.nlargest(CANDIDATES, weight, key=lambda j: (weight[j], -j))
        found[i] = [j for j in best if weight[j] >= WEAK_CANDIDATE * weight[best[0]]]
        allowance -= len(found[i])
        if allowance < 0:
            return None
    return found


def _similar(old: list, new: list, free_old: list[int], free_new: list[int], budget: MatchBudget) -> list[Pair] | None:
    """Pairs of leftover rows similar enough to be one row reworded, best first (ties: later rows first, as
    all-pairs scoring ordered them); None when the budget does not cover scoring them."""
    if budget.out_of_time():
        return None
    old_texts = {i: row_text(old[i])[:MATCH_CHARS] for i in free_old}
    new_texts = {j: row_text(new[j])[:MATCH_CHARS] for j in free_new}
    candidates = _candidates({i: t.casefold() for i, t in old_texts.items()},
                             {j: t.casefold() for j, t in new_texts.items()}, budget.limit - budget.scored)
    if candidates is None:
        return None
    budget.scored += sum(len(found) for found in candidates.values())
    olds_of: dict[int, list[int]] = defaultdict(list)
    for i, found in candidates.items():
        for j in found:
            olds_of[j].append(i)
    scored = []
    for j, olds in olds_of.items():
        matcher = difflib.SequenceMatcher(None, "", new_texts[j])   # the new row is seq2, indexed once
        for i in olds:
            if budget.out_of_time():
                return None
            matcher.set_seq1(old_texts[i])
            # Upper bounds of ratio() first, cheapest first: lengths, then characters in common.
            if (matcher.real_quick_ratio() >= SIMILAR_ENOUGH and matcher.quick_ratio() >= SIMILAR_ENOUGH
                    and (ratio := matcher.ratio()) >= SIMILAR_ENOUGH):
                scored.append((ratio, i, j))
    return [(i, j) for _, i, j in sorted(scored, reverse=True)]


def match_rows(old: list, new: list, key: str | None, budget: MatchBudget) -> tuple[list[Pair], bool]:
    """Pairs of rows that are the same row in both lists, sorted; and whether the rows left over were
    paired by similarity (False: the budget was spent, so they are left unpaired)."""
    free_old, free_new = set(range(len(old))), set(range(len(new)))
    pairs: list[Pair] = []

    def claim(found: list[Pair]):
        for i, j in found:
            if i in free_old and j in free_new:
                pairs.append((i, j))
                free_old.discard(i)
                free_new.discard(j)

    claim(_claim_equal(old, new, sorted(free_old), sorted(free_new), _canonical))
    if key:
        claim(_claim_equal(old, new, sorted(free_old), sorted(free_new),
                           lambda row: _canonical(row.get(key)) if row.get(key) else None))
    if not free_old or not free_new:
        return sorted(pairs), True
    similar = _similar(old, new, sorted(free_old), sorted(free_new), budget)
    if similar is None:
        return sorted(pairs), False
    claim(similar)   # greedily: a row already taken by a better pair is not taken again
    return sorted(pairs), True
