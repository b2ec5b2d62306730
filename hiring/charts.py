"""Small server-rendered SVG charts for the hiring pages: no script, printable, honest axes.

Each chart is an inline <svg> with a viewBox (it scales to its container), role="img" and an aria-label
that says in words what the bars say; colours come from hiring.css classes, so dark mode follows the
portal's tokens. Every text that came from a user is escaped here.
"""
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Recommendation

ROW = 26           # height of one bar row
LABEL_W = 176      # left column of labels
FONT = 12


@dataclass
class Bar:
    label: str
    value: float | None
    tone: str = ""          # a CSS modifier: chart__bar--<tone>
    note: str = ""          # text after the value, e.g. "lenient"


def _clip(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _signed(value: float) -> str:
    return "0.00" if abs(value) < 0.005 else f"{value:+.2f}".replace("-", "−")


def _svg(width: int, height: int, label: str, body: list[str], css: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'{"".join(body)}</svg>')


def _label(y: float, text: str) -> str:
    return (f'<text class="chart__label" x="0" y="{y:.1f}" font-size="{FONT}" dominant-baseline="middle">'
            f'<title>{escape(text)}</title>{escape(_clip(text))}</text>')


def tally_chart(tally: dict[str, int]) -> SafeString:
    """Recommendations of the submitted scorecards: one bar per answer, Strong yes to Strong no, then none."""
    order = ["strong_yes", "yes", "no", "strong_no", ""]
    counts = [tally.get(key, 0) for key in order]
    top = max(counts + [1])
    width, bar_w = 360, 360 - 110 - 30
    body = []
    for i, (key, count) in enumerate(zip(order, counts)):
        y = i * ROW
        label = Recommendation(key).label
        w = bar_w * count / top
        body.append(f'<text class="chart__label" x="0" y="{y + ROW / 2:.1f}" font-size="{FONT}" '
                    f'dominant-baseline="middle">{escape(label)}</text>')
        body.append(f'<rect class="chart__track" x="110" y="{y + 5}" width="{bar_w}" height="{ROW - 10}" rx="3"/>')
        if count:
            body.append(f'<rect class="chart__bar chart__bar--{key or "none"}" x="110" y="{y + 5}" '
                        f'width="{w:.1f}" height="{ROW - 10}" rx="3"/>')
        body.append(f'<text class="chart__value" x="{110 + w + 6:.1f}" y="{y + ROW / 2:.1f}" font-size="{FONT}" '
                    f'dominant-baseline="middle">{count}</text>')
    words = ", ".join(f"{Recommendation(k).label}: {c}" for k, c in zip(order, counts))
    return _svg(width, ROW * len(order), f"Recommendations — {words}", body, "chart--tally")


def diverging_chart(bars: list[Bar], *, limit: float = 2.0, band: float = 0.5,
                    axis_label: str = "Mean rating offset vs the rest of the panel") -> SafeString:
    """Bars to the left (below the panel) or right (above it) of a zero line, the “balanced” band shaded."""
    width, plot_l, plot_r = 760, LABEL_W + 8, 760 - 80
    mid = (plot_l + plot_r) / 2
    scale = (plot_r - plot_l) / 2 / limit
    plot_h = ROW * len(bars)
    height = plot_h + 50
    body = [f'<rect class="chart__band" x="{mid - band * scale:.1f}" y="0" width="{2 * band * scale:.1f}" '
            f'height="{plot_h}"><title>Balanced: within ±{band} of the panel</title></rect>']
    for tick in (-limit, -limit / 2, 0, limit / 2, limit):
        x = mid + tick * scale
        body.append(f'<line class="chart__grid{" chart__grid--zero" if tick == 0 else ""}" x1="{x:.1f}" y1="0" '
                    f'x2="{x:.1f}" y2="{plot_h}"/>')
        text = "0" if tick == 0 else f"{tick:+g}".replace("-", "−")
        body.append(f'<text class="chart__tick" x="{x:.1f}" y="{plot_h + 14}" font-size="11" '
                    f'text-anchor="middle">{text}</text>')
    body.append(f'<text class="chart__tick chart__tick--end" x="{plot_l}" y="{plot_h + 30}" font-size="11">'
                f'← severe</text>')
    body.append(f'<text class="chart__tick chart__tick--end" x="{plot_r}" y="{plot_h + 30}" font-size="11" '
                f'text-anchor="end">lenient →</text>')
    body.append(f'<text class="chart__tick" x="{mid:.1f}" y="{plot_h + 46}" font-size="11" '
                f'text-anchor="middle">{escape(axis_label)} (rating points)</text>')
    for i, bar in enumerate(bars):
        y = i * ROW
        body.append(_label(y + ROW / 2, bar.label))
        if bar.value is None:
            body.append(f'<text class="chart__value" x="{mid + 6:.1f}" y="{y + ROW / 2:.1f}" font-size="{FONT}" '
                        f'dominant-baseline="middle">no overlap with the panel yet</text>')
            continue
        value = max(-limit, min(limit, bar.value))
        x0, x1 = sorted((mid, mid + value * scale))
        body.append(f'<rect class="chart__bar chart__bar--{bar.tone}" x="{x0:.1f}" y="{y + 6}" '
                    f'width="{max(x1 - x0, 1.5):.1f}" height="{ROW - 12}" rx="2"/>')
        text = _signed(bar.value) + (f" {bar.note}" if bar.note else "")
        # The words go on the free side of the zero line, so they never run into the labels or off the chart.
        if value >= 0 and x1 < plot_r - 90:
            x, anchor = x1 + 5, "start"
        elif value >= 0:
            x, anchor = mid - 5, "end"
        else:
            x, anchor = mid + 5, "start"
        body.append(f'<text class="chart__value" x="{x:.1f}" y="{y + ROW / 2:.1f}" font-size="{FONT}" '
                    f'dominant-baseline="middle" text-anchor="{anchor}">{escape(text)}</text>')
    words = "; ".join(f"{b.label}: {'no data' if b.value is None else _signed(b.value)} {b.note}".strip()
                      for b in bars)
    return _svg(width, height, f"{axis_label} — {words}", body, "chart--diverging")


def spread_chart(bars: list[Bar], *, limit: float = 3.0, threshold: float = 2.0) -> SafeString:
    """Mean spread (highest − lowest rating) per dimension, with the disagreement threshold marked."""
    width, plot_l, plot_r = 760, LABEL_W + 8, 760 - 90
    scale = (plot_r - plot_l) / limit
    height = ROW * len(bars) + 40
    body = []
    for tick in range(int(limit) + 1):
        x = plot_l + tick * scale
        body.append(f'<line class="chart__grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{ROW * len(bars)}"/>')
        body.append(f'<text class="chart__tick" x="{x:.1f}" y="{ROW * len(bars) + 14}" font-size="11" '
                    f'text-anchor="middle">{tick}</text>')
    tx = plot_l + threshold * scale
    body.append(f'<line class="chart__threshold" x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{ROW * len(bars)}"/>')
    body.append(f'<text class="chart__tick" x="{plot_l}" y="{ROW * len(bars) + 32}" font-size="11">'
                f'Mean spread in rating points (highest − lowest); dashed line: disagreement ({threshold:g}+)</text>')
    for i, bar in enumerate(bars):
        y = i * ROW
        body.append(_label(y + ROW / 2, bar.label))
        if bar.value is None:
            continue
        w = min(bar.value, limit) * scale
        body.append(f'<rect class="chart__bar chart__bar--{bar.tone or "spread"}" x="{plot_l}" y="{y + 6}" '
                    f'width="{max(w, 1.5):.1f}" height="{ROW - 12}" rx="2"/>')
        body.append(f'<text class="chart__value" x="{plot_l + w + 5:.1f}" y="{y + ROW / 2:.1f}" font-size="{FONT}" '
                    f'dominant-baseline="middle">{bar.value:.2f}{escape(" " + bar.note) if bar.note else ""}</text>')
    words = "; ".join(f"{b.label}: {'–' if b.value is None else f'{b.value:.2f}'}" for b in bars)
    return _svg(width, height, f"Mean spread per dimension — {words}", body, "chart--spread")
