"""Server-rendered SVG charts for the KPI pages: no script, no CDN, printable, honest.

- `sparkline`: a tile's last periods, with the target band shaded faintly and the latest point marked.
- `history_chart`: a metric's history for a team (and, for HR, the role), with labelled axes and the
  target band shaded where the rule says a value is on target (between: low–high; at least: low and
  up; at most: high and down; exactly: a line; relative: the side of the baseline the rule asks for).

Each chart is an inline <svg> with a viewBox (it scales to its container), role="img" and an
aria-label that says in words what it shows. Colours come from kpis.css classes, so the dark theme
follows the portal's tokens. Every text drawn here passes through `escape`.
"""
import math
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .targets import AT_LEAST, AT_MOST, BETWEEN, EQUALS, QUALITATIVE, RELATIVE, TargetRule


# ---------- numbers and periods in words ----------

def format_number(value: float | None, *, signed: bool = False) -> str:
    """82.35 → "82.4", 1234.6 → "1,235", 1.917 → "1.92", 0.417 → "0.42", 0.0423 → "0.042";
    None (or anything not a number) → "—"."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "—"
    size = abs(value)
    if 0 < size < 0.1:
        text = f"{value:.2g}"          # 0.042, 0.0013: two significant digits
    else:
        decimals = 0 if size >= 100 else 1 if size >= 10 else 2
        text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if signed and value > 0:
        text = "+" + text
    return text.replace("-", "−")


def format_value(value: float | None, unit: str = "", *, signed: bool = False) -> str:
    """A value with its unit: "82.4%", "640 ms", "3 per week"."""
    number = format_number(value, signed=signed)
    if number == "—" or not unit:
        return number
    return f"{number}%" if unit == "%" else f"{number} {unit}"


def period_label(period: date, grain: str, *, short: bool = False) -> str:
    if grain == "quarter":
        return f"Q{(period.month - 1) // 3 + 1} {period.year}"
    if grain == "month":
        return period.strftime("%b %Y" if not short else "%b %y")
    return f"{period.day} {period:%b}" if short else f"{period.day} {period:%b %Y}"


# ---------- the target band ----------

def band_bounds(rule: TargetRule) -> tuple[float | None, float | None] | None:
    """Where values are on target, as (low, high); None on a side means open-ended; None for no band."""
    kind = rule.kind
    if kind == QUALITATIVE:
        return None
    if kind == BETWEEN and rule.low is not None and rule.high is not None:
        return rule.low, rule.high
    if kind == AT_LEAST and rule.low is not None:
        return rule.low, None
    if kind == AT_MOST and rule.high is not None:
        return None, rule.high
    if kind == EQUALS and rule.low is not None:
        return rule.low, rule.low
    if kind == RELATIVE and rule.low is not None and rule.high is not None:
        # As TargetRule.on_target reads it: a reduction asks for at most `high`, a rise for at least `low`.
        return (None, rule.high) if rule.low < 0 else (rule.low, None)
    return None


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _domain(values: list[float | None], rule: TargetRule) -> tuple[float, float]:
    band = band_bounds(rule)
    points = _finite(values) + _finite(band or ())
    if not points:
        return 0.0, 1.0
    lo, hi = min(points), max(points)
    # Never zoom in closer than the rule's own tolerance (twice its at-risk margin): a 0.8 % dip under
    # an "exactly 100 %" target must not look like a cliff.
    span = 2 * rule.margin() if rule.kind != QUALITATIVE else 0.0
    if hi - lo < span:
        floor, ceiling = (0.0 if lo >= 0 else None), (100.0 if rule.unit == "%" and hi <= 100 else None)
        lo, hi = (lo + hi - span) / 2, (lo + hi + span) / 2
        if ceiling is not None and hi > ceiling:
            lo, hi = lo - (hi - ceiling), ceiling
        if floor is not None and lo < floor:
            lo, hi = floor, hi + (floor - lo)
        return lo, hi
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    # Start at zero when the data sit well above it, so differences are not exaggerated.
    if lo > 0 and lo < 0.35 * hi:
        lo = 0.0
    pad = (hi - lo) * 0.08
    return lo - (pad if lo != 0 else 0), hi + pad


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10ⁿ) that cover lo..hi."""
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return [lo]
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    ticks, value = [], first
    while value < hi + step * 0.5 and len(ticks) < 20:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _svg(width: float, height: float, label: str, body: list[str], css: str, *, aspect: str = "xMinYMin meet"
         ) -> SafeString:
    return mark_safe(
        f'<svg class="kpi-chart {css}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="{aspect}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(label)}</title>{"".join(body)}</svg>')


def _path(xs: list[float], ys: list[float | None]) -> str:
    """An SVG path through the points; a missing value breaks the line rather than bridging the gap."""
    parts, pen_down = [], False
    for x, y in zip(xs, ys):
        if y is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down = True
    return " ".join(parts)


# ---------- sparkline ----------

def sparkline(values: list[float | None], rule: TargetRule, *, label: str, width: int = 160,
              height: int = 40) -> SafeString:
    """The last periods of a tile (oldest first). The band is faint; the latest value gets a dot."""
    finite = _finite(values)
    if not finite:
        return _svg(width, height, f"{label}: no data", [
            f'<line class="kpi-chart__baseline" x1="0" y1="{height - 1}" x2="{width}" y2="{height - 1}"/>'],
            "kpi-chart--spark kpi-chart--empty", aspect="none")
    lo, hi = _domain(values, rule)
    pad = 4
    y_of = lambda v: pad + (hi - v) / (hi - lo) * (height - 2 * pad)  # noqa: E731
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    xs = [pad + i * step for i in range(len(values))]
    ys = [None if v is None else y_of(v) for v in values]
    body = []
    band = band_bounds(rule)
    if band is not None:
        top = 0 if band[1] is None else max(0.0, y_of(band[1]))
        bottom = height if band[0] is None else min(float(height), y_of(band[0]))
        if band[0] is not None and band[0] == band[1]:
            body.append(f'<line class="kpi-chart__target" x1="0" y1="{top:.1f}" x2="{width}" y2="{top:.1f}"/>')
        elif bottom > top:
            body.append(f'<rect class="kpi-chart__band" x="0" y="{top:.1f}" width="{width}" '
                        f'height="{bottom - top:.1f}"/>')
    body.append(f'<path class="kpi-chart__line" d="{_path(xs, ys)}"/>')
    last = next(i for i in range(len(values) - 1, -1, -1) if values[i] is not None)
    body.append(f'<circle class="kpi-chart__dot" cx="{xs[last]:.1f}" cy="{ys[last]:.1f}" r="2.6"/>')
    return _svg(width, height, label, body, "kpi-chart--spark", aspect="none")


# ---------- history chart ----------

@dataclass
class Series:
    label: str
    values: list[float | None]   # aligned with the chart's periods
    css: str = "team"            # kpi-chart__series--<css>
    statuses: list[str] = field(default_factory=list)  # per point, for the dots' titles


WIDTH, HEIGHT = 1000, 300      # wide enough for a desktop panel at 1:1, so text stays at its font size
NARROW_WIDTH = 380              # a phone's column: fewer labels, same font size
LEFT, RIGHT, TOP, BOTTOM = 64, 18, 30, 52


def history_chart(periods: list[date], series: list[Series], rule: TargetRule, *, grain: str, unit: str = "",
                  value_label: str = "Mean", title: str = "", width: int = WIDTH, height: int = HEIGHT
                  ) -> SafeString:
    """Periods along the x axis (labelled by grain), values up the y axis (labelled, with the unit)."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    all_values = [v for s in series for v in s.values]
    lo, hi = _domain(all_values, rule)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    y_of = lambda v: TOP + (hi - v) / (hi - lo) * plot_h  # noqa: E731
    n = len(periods)
    step = plot_w / max(n - 1, 1)
    x_of = lambda i: LEFT + (i * step if n > 1 else plot_w / 2)  # noqa: E731
    unit_words = "percent" if unit == "%" else unit
    axis_title = f"{value_label} ({unit_words})" if unit_words else value_label
    grain_words = {"week": "Week starting", "month": "Month", "quarter": "Quarter"}.get(grain, "Period")
    body = [f'<rect class="kpi-chart__plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>']

    band = band_bounds(rule)
    if band is not None:
        top = TOP if band[1] is None else max(TOP, y_of(band[1]))
        bottom = TOP + plot_h if band[0] is None else min(TOP + plot_h, y_of(band[0]))
        words = f"Target: {rule.describe()}"
        data = (f'data-low="{"" if band[0] is None else f"{band[0]:g}"}" '
                f'data-high="{"" if band[1] is None else f"{band[1]:g}"}"')
        if band[0] is not None and band[0] == band[1]:
            body.append(f'<line class="kpi-chart__target" {data} x1="{LEFT}" y1="{top:.1f}" x2="{LEFT + plot_w}" '
                        f'y2="{top:.1f}"><title>{escape(words)}</title></line>')
            label_y = top - 5
        else:
            body.append(f'<rect class="kpi-chart__band" {data} x="{LEFT}" y="{top:.1f}" width="{plot_w}" '
                        f'height="{max(bottom - top, 0):.1f}"><title>{escape(words)}</title></rect>')
            label_y = top + 14 if bottom - top > 18 else top - 5
        body.append(f'<text class="kpi-chart__band-label" x="{LEFT + plot_w - 6}" y="{label_y:.1f}" '
                    f'text-anchor="end">{escape(words)}</text>')

    for value in ticks:
        y = y_of(value)
        body.append(f'<line class="kpi-chart__grid" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}"/>')
        body.append(f'<text class="kpi-chart__tick" x="{LEFT - 8}" y="{y:.1f}" text-anchor="end" '
                    f'dominant-baseline="middle">{escape(format_value(value, unit if unit == "%" else ""))}</text>')
    every = max(1, math.ceil(n / max(2, plot_w // 95)))  # room for a label every ~95 px
    for i, period in enumerate(periods):
        if (n - 1 - i) % every:
            continue
        x = x_of(i)
        body.append(f'<line class="kpi-chart__tickmark" x1="{x:.1f}" y1="{TOP + plot_h}" x2="{x:.1f}" '
                    f'y2="{TOP + plot_h + 5}"/>')
        body.append(f'<text class="kpi-chart__tick" x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
                    f'{escape(period_label(period, grain, short=True))}</text>')
    body.append(f'<text class="kpi-chart__axis-title" x="{LEFT + plot_w / 2:.1f}" y="{height - 8}" '
                f'text-anchor="middle">{escape(grain_words)}</text>')
    body.append(f'<text class="kpi-chart__axis-title" x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
                f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(axis_title)}</text>')

    drawn = 0
    for s in series:
        ys = [None if v is None else y_of(v) for v in s.values]
        if not _finite(s.values):
            continue
        drawn += 1
        xs = [x_of(i) for i in range(n)]
        body.append(f'<path class="kpi-chart__series kpi-chart__series--{escape(s.css)}" d="{_path(xs, ys)}"/>')
        for i, (value, y) in enumerate(zip(s.values, ys)):
            if y is None:
                continue
            status = s.statuses[i] if i < len(s.statuses) else ""
            status_attr = f' data-status="{escape(status)}"' if status else ""
            tip = f"{s.label}, {period_label(periods[i], grain)}: {format_value(value, unit)}"
            body.append(f'<circle class="kpi-chart__point kpi-chart__point--{escape(s.css)}" cx="{xs[i]:.1f}" '
                        f'cy="{y:.1f}" r="3"{status_attr}>'
                        f'<title>{escape(tip)}</title></circle>')
    if not drawn:
        body.append(f'<text class="kpi-chart__empty" x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" '
                    f'text-anchor="middle">No measurements in these periods</text>')
    span = f"{period_label(periods[0], grain)} to {period_label(periods[-1], grain)}" if periods else "no periods"
    target = f"; target {rule.describe()}" if band is not None else ""
    label = f"{title or value_label} by {grain}, {span}{target}"
    return _svg(width, height, label, body, "kpi-chart--history")
