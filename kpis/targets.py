"""Turn a KPI's target text into a rule that measurements can be checked against.

"75–90% of committed points/tasks completed" → between 75 and 90 %;
"<15% tasks needing major rework" → at most 15 %; "Meet SLO (e.g., p95 < 300–800ms …)" → at most
800 ms; "“Meets” or above in quarterly feedback" → qualitative. Written against plain text (the
importer has already removed any HTML). The parser never raises: text it cannot read is qualitative.
"""
import re
from dataclasses import dataclass

AT_LEAST, AT_MOST, BETWEEN, EQUALS, RELATIVE, QUALITATIVE = (
    "at_least", "at_most", "between", "equals", "relative", "qualitative")
KINDS = (AT_LEAST, AT_MOST, BETWEEN, EQUALS, RELATIVE, QUALITATIVE)
AT_RISK_MARGIN = 0.10  # within 10 % of the target (or of the band's width) counts as at risk, not off track

# A number glued to a letter ("p95", "F1", "S3") is a label, not a quantity.
_NUMBER = r"(?P<sign>[+-])?(?<![A-Za-z\d.])(?P<a>\d+(?:[.,]\d+)?)"
_RANGE = r"(?:\s*(?:%|ms)?\s*(?:-|to|and)\s*(?P<sign2>[+-])?(?P<b>\d+(?:[.,]\d+)?))?"
_EXPR = re.compile(r"(?P<op><=|>=|≤|≥|<|>)?\s*" + _NUMBER + _RANGE + r"\s*(?P<unit>%|percent\b|ms\b|milliseconds?\b|"
                   r"seconds?\b|secs?\b|s\b|business days?\b|days?\b|d\b|hours?\b|hrs?\b|h\b|minutes?\b|mins?\b|"
                   r"weeks?\b|months?\b)?", re.IGNORECASE)
_EXAMPLE = re.compile(r"\((?:e\.g\.|eg\.?|for example|such as)[,:]?\s*(?P<body>[^)]*\d[^)]*)\)", re.IGNORECASE)
_PERIOD = re.compile(r"(?:/|\bper\s+|\ba\s+|\beach\s+)(?P<p>day|week|sprint|month|quarter|release|year)\b",
                     re.IGNORECASE)
_UNITS = {"%": "%", "percent": "%", "ms": "ms", "millisecond": "ms", "milliseconds": "ms", "s": "s", "sec": "s",
          "secs": "s", "second": "s", "seconds": "s", "d": "days", "day": "days", "days": "days",
          "business day": "days", "business days": "days", "h": "hours", "hr": "hours", "hrs": "hours",
          "hour": "hours", "hours": "hours", "min": "minutes", "mins": "minutes", "minute": "minutes",
          "minutes": "minutes", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}
_LESS = re.compile(r"\b(below|under|less than|fewer than|at most|no more than|max(?:imum)?|within|lower than|"
                   r"up to|not exceed|≤)\b", re.IGNORECASE)
_MORE = re.compile(r"\b(above|over|more than|greater than|at least|min(?:imum)?|no less than|exceed)\b",
                   re.IGNORECASE)
_DOWN = re.compile(r"\b(reduce[sd]?|reduction|decrease[sd]?|cut|lower|drop)\b(?:\s+\w+){0,2}\s+by\b|"
                   r"\b(reduce|decrease|cut)\b", re.IGNORECASE)
_UP = re.compile(r"\b(increase[sd]?|improve[sd]?|grow|raise|uplift|lift)\b|\bvs\.?\s+baseline\b|\bover baseline\b",
                 re.IGNORECASE)


@dataclass(frozen=True)
class TargetRule:
    kind: str
    low: float | None = None
    high: float | None = None
    unit: str = ""

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit and self.unit != "%" else self.unit
        fmt = lambda v: f"{v:g}"  # noqa: E731
        if self.kind == AT_LEAST:
            return f"at least {fmt(self.low)}{unit}"
        if self.kind == AT_MOST:
            return f"at most {fmt(self.high)}{unit}"
        if self.kind == BETWEEN:
            return f"between {fmt(self.low)} and {fmt(self.high)}{unit}"
        if self.kind == EQUALS:
            return f"exactly {fmt(self.low)}{unit}"
        if self.kind == RELATIVE:
            return f"{self.low:+g} to {self.high:+g}{unit} vs baseline"
        return "qualitative (judged, not measured)"

    def on_target(self, value: float) -> bool | None:
        """Whether one measured value meets the rule; None for a qualitative rule."""
        if self.kind == QUALITATIVE:
            return None
        if self.kind == AT_LEAST:
            return value >= self.low
        if self.kind == AT_MOST:
            return value <= self.high
        if self.kind == EQUALS:
            return value == self.low
        if self.kind == RELATIVE and self.low < 0:   # a reduction: at least as large a cut as the smallest asked
            return value <= self.high
        if self.kind == RELATIVE:
            return value >= self.low
        return self.low <= value <= self.high

    def status(self, value: float | None) -> str:
        """on_track, at_risk, off_track, no_data or qualitative for a period's value."""
        if self.kind == QUALITATIVE:
            return "qualitative"
        if value is None:
            return "no_data"
        if self.on_target(value):
            return "on_track"
        return "at_risk" if self.distance(value) <= self.margin() else "off_track"

    def distance(self, value: float) -> float:
        """How far a value misses the rule, in the rule's unit (0 when on target)."""
        candidates = []
        if self.low is not None and value < self.low and self.kind != AT_MOST:
            candidates.append(self.low - value)
        if self.high is not None and value > self.high and self.kind not in (AT_LEAST,):
            candidates.append(value - self.high)
        if self.kind == RELATIVE and self.low is not None and self.low >= 0:
            candidates = [self.low - value] if value < self.low else []
        return max(candidates, default=0.0)

    def margin(self) -> float:
        if self.kind == BETWEEN or self.kind == RELATIVE:
            width = abs((self.high or 0) - (self.low or 0))
            return max(width * AT_RISK_MARGIN, abs(self.high or self.low or 1) * AT_RISK_MARGIN)
        reference = self.low if self.kind in (AT_LEAST, EQUALS) else self.high
        return abs(reference or 1) * AT_RISK_MARGIN


QUALITATIVE_RULE = TargetRule(QUALITATIVE)


def _num(text: str | None, sign: str | None) -> float | None:
    if text is None:
        return None
    value = float(text.replace(",", "."))
    return -value if sign == "-" else value


def _unit(match: re.Match, focus: str) -> str:
    raw = (match.group("unit") or "").lower()
    unit = _UNITS.get(raw, _UNITS.get(re.sub(r"\s+", " ", raw), ""))
    if unit in ("", "weeks", "months"):
        period = _PERIOD.search(focus[match.start():])
        if period:
            return f"per {period.group('p').lower()}"
    return unit


def parse_target(text: str) -> TargetRule:
    """The rule a target text states. Never raises; anything without a usable number is qualitative."""
    if not isinstance(text, str) or not text.strip():
        return QUALITATIVE_RULE
    clean = (text.replace("–", "-").replace("—", "-").replace("−", "-").replace("\u00a0", " "))
    # "Meet SLO (e.g., p95 < 300-800ms …)": the example carries the numbers, the rest the intent.
    example = _EXAMPLE.search(clean)
    focus = example.group("body") if example else clean
    match = next((m for m in _EXPR.finditer(focus) if m.group("a")), None)
    if match is None:
        return QUALITATIVE_RULE
    a, b = _num(match.group("a"), match.group("sign")), _num(match.group("b"), match.group("sign2"))
    unit = _unit(match, focus)
    op = match.group("op") or ""
    before = clean[: clean.find(focus) + match.start()] if focus in clean else clean
    lead = before + " " + focus[: match.start()]
    low, high = (a, b) if b is not None else (a, a)
    if low > high:
        low, high = high, low

    if _DOWN.search(lead):
        return TargetRule(RELATIVE, -abs(high), -abs(low), unit)
    if match.group("sign") == "+" or (_UP.search(lead) and unit == "%"):
        return TargetRule(RELATIVE, abs(low), abs(high), unit)
    if op in ("<", "<=", "≤") or _LESS.search(lead):
        return TargetRule(AT_MOST, None, high, unit)
    if op in (">", ">=", "≥") or _MORE.search(lead):
        return TargetRule(AT_LEAST, low, None, unit)
    if b is not None:
        return TargetRule(BETWEEN, low, high, unit)
    if unit == "%" and a == 100:
        return TargetRule(EQUALS, 100.0, 100.0, unit)
    return TargetRule(AT_LEAST, a, None, unit)
