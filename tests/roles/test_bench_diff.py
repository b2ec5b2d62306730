"""bench_diff, tiny: per size its times, pairs scored and rows paired, then the growth ratios."""
import io
import math

import pytest
from django.core.management import CommandError, call_command

from roles.row_matching import CANDIDATES

PER_SIZE = ("diff_cpu_s", "compare_cpu_s", "pairs_scored", "changed_rows", "row_by_row")


def test_prints_name_value_lines_per_size_and_the_ratios():
    out = io.StringIO()
    call_command("bench_diff", "--sizes", "40", "20", "--repeat", "1", stdout=out)
    figures = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert list(figures) == [f"{name}_{n}" for n in (20, 40) for name in PER_SIZE] + [
        "diff_ratio", "compare_ratio", "nlogn_ratio"]
    for n in (20, 40):
        assert figures[f"changed_rows_{n}"] == str(n) and figures[f"row_by_row_{n}"] == "1"
        assert 0 < int(figures[f"pairs_scored_{n}"]) <= CANDIDATES * n
        assert float(figures[f"diff_cpu_s_{n}"]) > 0 and float(figures[f"compare_cpu_s_{n}"]) > 0
    assert float(figures["nlogn_ratio"]) == round(40 * math.log(40) / (20 * math.log(20)), 2)
    assert float(figures["diff_ratio"]) > 0 and float(figures["compare_ratio"]) > 0


def test_sizes_and_repeats_must_be_positive():
    with pytest.raises(CommandError, match="0: give at least 1"):
        call_command("bench_diff", "--sizes", "0", "20")
    with pytest.raises(CommandError, match="-1: give at least 1"):
        call_command("bench_diff", "--repeat", "-1")
