"""Server-side SVG charts: text is escaped, the target band sits where the rule says, axes are labelled."""
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from kpis.charts import Series, band_bounds, format_value, history_chart, nice_ticks, sparkline
from kpis.targets import TargetRule, parse_target

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(8)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # also proves the markup is well-formed XML


def _band(root: ET.Element) -> ET.Element | None:
    return next((e for e in root.iter() if "kpi-chart__band" in e.get("class", "").split()), None)


def _chart(rule: TargetRule, values=(70, 80, 85, None, 95, 88, 60, 82), **kwargs):
    return _parse(history_chart(WEEKS, [Series("Team", list(values))], rule, grain="week", unit=rule.unit, **kwargs))


def _y_of_tick(root: ET.Element, text: str) -> float:
    """The y position of a y-axis tick label, to check the band against the axis the reader sees."""
    for node in root.iter(f"{SVG}text"):
        if "kpi-chart__tick" in node.get("class", "") and node.get("text-anchor") == "end" and node.text == text:
            return float(node.get("y"))
    raise AssertionError(f"no y tick labelled {text!r}")


def test_text_from_users_is_escaped_in_every_chart():
    evil = '<script>alert("x")</script> & "quotes"'
    rule = TargetRule("between", 1, 2, '<b>u</b>')
    spark = str(sparkline([1, 2, 3], rule, label=evil))
    history = str(history_chart(WEEKS[:3], [Series(evil, [1, 2, 3], css="team")], rule, grain="week",
                                unit='<b>u</b>', value_label=evil, title=evil))
    for svg in (spark, history):
        assert "<script>" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg
        _parse(svg)


@pytest.mark.parametrize("target, low, high", [
    ("75–90% of committed points/tasks completed", 75, 90),      # between: low to high
    (">80% pass within 2 attempts", 80, None),                     # at least: low and up to the plot's top
    ("<15% tasks needing major rework", None, 15),                 # at most: high and down to the plot's bottom
])
def test_the_band_is_shaded_where_the_rule_is_on_target(target, low, high):
    rule = parse_target(target)
    root = _chart(rule)
    band = _band(root)
    assert band is not None and band.tag == f"{SVG}rect"
    assert (band.get("data-low"), band.get("data-high")) == (
        "" if low is None else f"{low:g}", "" if high is None else f"{high:g}")
    plot = next(e for e in root.iter(f"{SVG}rect") if e.get("class") == "kpi-chart__plot")
    plot_top, plot_bottom = float(plot.get("y")), float(plot.get("y")) + float(plot.get("height"))
    top, bottom = float(band.get("y")), float(band.get("y")) + float(band.get("height"))
    assert (top == pytest.approx(plot_top)) == (high is None)          # open above: up to the top
    assert (bottom == pytest.approx(plot_bottom, abs=0.11)) == (low is None)  # open below: down to the bottom
    assert plot_top <= top < bottom <= plot_bottom + 0.11
    # The band's words are on the chart, not only in colour.
    assert any(node.text == f"Target: {rule.describe()}" for node in root.iter(f"{SVG}text"))


def _ticks(root) -> set[str]:
    return {n.text for n in root.iter(f"{SVG}text") if "kpi-chart__tick" in n.get("class", "")}


def test_band_edges_line_up_with_the_axis():
    rule = TargetRule("between", 20, 40, "%")
    root = _chart(rule, values=[0, 10, 30, 50, 60, 30, 20, 10])
    band = _band(root)
    assert "20%" in _ticks(root) and "40%" in _ticks(root)
    assert float(band.get("y")) == pytest.approx(_y_of_tick(root, "40%"), abs=0.11)
    assert float(band.get("y")) + float(band.get("height")) == pytest.approx(_y_of_tick(root, "20%"), abs=0.11)


def test_an_exact_target_is_a_line_and_a_qualitative_one_has_no_band():
    exact = _chart(TargetRule("equals", 100, 100, "%"), values=[100, 90, 100, 100, 95, 100, 100, 100])
    line = next(e for e in exact.iter() if "kpi-chart__target" in e.get("class", ""))
    assert line.tag == f"{SVG}line" and line.get("data-low") == "100"
    assert _band(exact) is None
    qualitative = _chart(TargetRule("qualitative"))
    assert _band(qualitative) is None
    assert not any("kpi-chart__target" in e.get("class", "") for e in qualitative.iter())


def test_a_reduction_target_shades_below_its_high_edge():
    rule = parse_target("Maintain budget; reduce by 5–10% via optimizations")
    assert band_bounds(rule) == (None, -5)
    root = _chart(rule, values=[-2, -4, -6, -8, -7, -9, -3, 1])
    band = _band(root)
    assert band.get("data-high") == "-5" and band.get("data-low") == ""


def test_axes_are_labelled_with_the_grain_and_the_unit():
    root = _chart(parse_target("Median 1–3 business days for small PRs"), values=[1, 2, 4, 2, 3, 5, 2, 1])
    texts = [n.text for n in root.iter(f"{SVG}text")]
    assert "Week starting" in texts
    assert "Mean (days)" in texts
    assert "5 Jan" in texts            # the x ticks name the periods
    assert root.get("role") == "img" and "target between 1 and 3 days" in root.get("aria-label")


def test_missing_periods_break_the_line_instead_of_bridging_it():
    root = _chart(TargetRule("at_least", 50, None, "%"), values=[60, 70, None, None, 80, 90, 85, 75])
    path = next(e for e in root.iter(f"{SVG}path") if "kpi-chart__series" in e.get("class", ""))
    assert path.get("d").count("M") == 2
    points = [e for e in root.iter(f"{SVG}circle")]
    assert len(points) == 6


def test_an_empty_history_says_so():
    root = _chart(TargetRule("at_least", 50, None, "%"), values=[None] * 8)
    assert any(n.text == "No measurements in these periods" for n in root.iter(f"{SVG}text"))


def test_sparkline_draws_band_line_and_latest_point():
    root = _parse(sparkline([70, 80, None, 85, 90], TargetRule("between", 75, 90, "%"), label="Delivery"))
    assert _band(root) is not None
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert root.get("aria-label") == "Delivery"
    empty = _parse(sparkline([None, None], TargetRule("between", 75, 90, "%"), label="Delivery"))
    assert empty.get("aria-label") == "Delivery: no data"


def test_numbers_read_like_a_person_wrote_them():
    assert format_value(82.3456, "%") == "82.3%"
    assert format_value(640.4, "ms") == "640 ms"
    assert format_value(1234.6, "") == "1,235"
    assert format_value(0.0423, "%") == "0.042%"
    assert format_value(2.0, "per week") == "2 per week"
    assert format_value(3.2, "%", signed=True) == "+3.2%"
    assert format_value(-1.5, "days", signed=True) == "−1.5 days"
    assert format_value(None, "%") == "—"
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]


def test_a_small_wobble_does_not_look_like_a_cliff():
    """The y range is never narrower than the rule's tolerance, so a 0.8-point dip under "exactly 100 %"
    moves the line by a few pixels, not the whole height of the tile."""
    root = _parse(sparkline([100, 99.2, 100, 100], TargetRule("equals", 100, 100, "%"), label="Docs", height=40))
    path = next(e for e in root.iter(f"{SVG}path") if "kpi-chart__line" in e.get("class", ""))
    ys = [float(point.split()[1]) for point in path.get("d").replace("M", "").split("L")]
    assert max(ys) - min(ys) < 40 * 0.1
