"""python manage.py bench_diff [--sizes 200 500 1000 2000]

Times the version diff (roles.diffing.diff_documents) and the role comparison
(roles.comparing.compare_documents) of two documents whose responsibilities are n rows each, every
row of the second reworded from the first (about a quarter of its words replaced, so no title
matches and every row must be paired by similarity). Each runs with a request's budget of pairs
(DIFF_MAX_PAIRS), as the pages do, but without their time limit (DIFF_MAX_SECONDS), which would make
the figures depend on the machine's load. Nothing touches the database.

Times are CPU seconds of this process, the best of --repeat runs, so that other load on the machine
skews the ratios as little as it can.
Prints name=value lines per n: diff_cpu_s_<n>, compare_cpu_s_<n>, pairs_scored_<n> (by the diff),
changed_rows_<n> and row_by_row_<n> (0 when the budget ran out and the rows were listed as added and
removed, which makes that time meaningless); then, for the largest n against the smallest,
diff_ratio, compare_ratio and nlogn_ratio, the ratio an n·log n algorithm would show.
"""
import argparse
import copy
import math
import random
import time

from django.core.management.base import BaseCommand

from roles.blueprint_format.synthetic import make_document
from roles.comparing import compare_documents
from roles.diffing import diff_documents
from roles.row_matching import MatchBudget

# Everyday words make up a good share of real prose, so some tokens are common to many rows.
COMMON_WORDS = ("the", "and", "for", "with", "of", "to", "team", "data", "work", "across", "own", "review",
                "plan", "quality", "service", "product", "clear", "weekly", "users", "delivery")
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _word(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(COMMON_WORDS)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _sentence(rng: random.Random) -> list[str]:
    return [_word(rng) for _ in range(rng.randint(8, 14))]


def _reworded(words: list[str], rng: random.Random) -> list[str]:
    """About a quarter of the words replaced: the same row, said differently."""
    out = [_word(rng) if rng.random() < 0.25 else w for w in words]
    if out == words:
        out[0] = _word(rng) + "s"
    return out


def reworded_rows(n: int, *, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """n responsibilities, and the same n reworded: no title is left as it was."""
    rng = random.Random(seed)
    old, new = [], []
    for i in range(n):
        title, detail = _sentence(rng), _sentence(rng)
        category = ("strategic", "technical", "operational")[i % 3]
        old.append({"category": category, "title": " ".join(title), "detail": " ".join(detail)})
        new.append({"category": category, "title": " ".join(_reworded(title, rng)),
                    "detail": " ".join(_reworded(detail, rng))})
    return old, new


def reworded_pair(n: int, *, seed: int = 0) -> tuple[dict, dict]:
    """Two documents whose responsibilities are n rows each, those of the second reworded from the first."""
    old = make_document("Bench Diff Engineer")
    new = copy.deepcopy(old)
    old["responsibilities"], new["responsibilities"] = reworded_rows(n, seed=seed)
    return old, new


def _best_of(repeat: int, run) -> tuple[float, object]:
    """The shortest CPU time of `repeat` runs, and the last run's result."""
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best, result


def _diff(old: dict, new: dict) -> tuple[list, MatchBudget]:
    budget = MatchBudget(seconds=math.inf)
    return diff_documents(old, new, budget=budget), budget


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value}: give at least 1")
    return n


class Command(BaseCommand):
    help = "Benchmark the version diff and the role comparison on n reworded rows per side."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=_positive, nargs="+", default=[200, 500, 1000, 2000],
                            help="rows per side")
        parser.add_argument("--repeat", type=_positive, default=3, help="runs per size; the fastest counts")

    def handle(self, *args, **options):
        sizes, repeat = sorted(set(options["sizes"])), options["repeat"]
        times: dict[int, tuple[float, float]] = {}
        for n in sizes:
            old, new = reworded_pair(n)
            diff_s, (sections, budget) = _best_of(repeat, lambda: _diff(old, new))
            compare_s, _ = _best_of(repeat, lambda: compare_documents(old, new, budget=MatchBudget(seconds=math.inf)))
            part = next(p for s in sections for p in s.parts if p.path == "responsibilities")
            times[n] = (diff_s, compare_s)
            self.stdout.write(f"diff_cpu_s_{n}={diff_s:.3f}")
            self.stdout.write(f"compare_cpu_s_{n}={compare_s:.3f}")
            self.stdout.write(f"pairs_scored_{n}={budget.scored}")
            self.stdout.write(f"changed_rows_{n}={sum(c.kind == 'changed' for c in part.changes)}")
            self.stdout.write(f"row_by_row_{n}={int(part.row_by_row)}")
        small, large = sizes[0], sizes[-1]
        self.stdout.write(f"diff_ratio={times[large][0] / times[small][0]:.2f}")
        self.stdout.write(f"compare_ratio={times[large][1] / times[small][1]:.2f}")
        self.stdout.write(f"nlogn_ratio={large * math.log(large) / (small * math.log(small)):.2f}")
