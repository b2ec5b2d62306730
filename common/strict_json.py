"""JSON from outside the portal (API bodies, imported files), read so that no input can crash what
comes after it: every refusal is an InputError naming the place (`rows[3].note`) and what is wrong.

Refused, because nothing in the portal can store or compute with it:
- nesting deeper than MAX_DEPTH (a format-v1 document is 4 levels deep; Python's own parser raises
  RecursionError near 1,000 levels, and recursive code after it earlier);
- NaN, Infinity and numbers beyond a float's range (`1e400` would silently become Infinity);
- whole numbers outside a 64-bit integer (ids, counts and database integers are 64-bit; Python
  refuses to read integers of more than 4,300 digits at all);
- NUL characters and lone surrogates in any text or key (PostgreSQL text cannot hold NUL, and a lone
  surrogate is not encodable as UTF-8).

`check_value` applies the same rules to data read by another parser (YAML).
"""
import json
import math
import re

MAX_DEPTH = 32
INT_LIMIT = 2**63 - 1
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# Strings (with escapes) and the structural characters, for locating a too-deep spot without recursion.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


class InputError(ValueError):
    """Input that cannot be accepted; `where` names the place ("" for the whole body)."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class _Refused:
    """A number the hooks refused; replaced by an InputError once its place is known."""

    def __init__(self, message: str):
        self.message = message


def _parse_int(text: str):
    digits = len(text.lstrip("-"))
    if digits > 19:
        return _Refused(f"a whole number of {digits:,} digits is out of range (at most 64-bit integers)")
    value = int(text)
    return value if -INT_LIMIT - 1 <= value <= INT_LIMIT else _Refused(
        f"{text} is out of range (at most 64-bit integers)")


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _Refused(f"{text[:40]} is out of range for a number")


def _parse_constant(name: str):
    return _Refused(f"{name} is not a number JSON may carry")


def _join(where: str, key) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


def _text_problem(text: str) -> str | None:
    found = _BAD_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which text may not hold"
    return f"contains a lone surrogate (\\u{ord(found.group()):04x}), which is not a character"


def check_value(value, *, where: str = "", max_depth: int = MAX_DEPTH) -> None:
    """Raise InputError for the first refused number, bad text or too-deep nesting in `value`
    (dicts, lists, strings, numbers). Iterative, so any depth is safe to check."""
    stack = [(value, where, 0)]
    while stack:
        item, place, depth = stack.pop()
        if isinstance(item, _Refused):
            raise InputError(place, item.message)
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                raise InputError(place, problem)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputError(place, f"{item} is not a number the portal accepts")
        elif isinstance(item, int) and not isinstance(item, bool) and not -INT_LIMIT - 1 <= item <= INT_LIMIT:
            raise InputError(place, "is out of range (at most 64-bit integers)")
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise InputError(_shortened(place), f"nests deeper than {max_depth} levels")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            children = []
            for key, child in pairs:
                if isinstance(key, str) and _text_problem(key):
                    raise InputError(_join(place, key.encode("unicode_escape").decode()), "the key " + _text_problem(key))
                children.append((child, _join(place, key), depth + 1))
            stack.extend(reversed(children))


def _shortened(where: str) -> str:
    """A deep place without its run of repeated steps: document.kpis[0][0]…[0] (33 levels)."""
    return where if len(where) <= 60 else f"{where[:40]}…"


def _deep_place(text: str, max_depth: int) -> str:
    """The place where `text` first nests deeper than max_depth, found without recursion."""
    path: list = []  # per open container: its key or index so far
    expecting_key = False
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            if len(path) >= max_depth:
                break
            path.append(0 if mark == "[" else "")
            expecting_key = mark == "{"
        elif mark in "]}":
            if path:
                path.pop()
        elif mark == ",":
            if path and isinstance(path[-1], int):
                path[-1] += 1
            expecting_key = bool(path) and isinstance(path[-1], str)
        elif mark == ":":
            expecting_key = False
        elif expecting_key and path:
            path[-1] = mark[1:-1]
    where = ""
    for part in path:
        where = _join(where, part)
    return _shortened(where)


def loads(text: str, *, max_depth: int = MAX_DEPTH):
    """Parse JSON text by the rules above. JSON syntax errors stay json.JSONDecodeError (with line and
    column); everything refused for its content is an InputError."""
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        raise InputError(_deep_place(text, max_depth), f"nests deeper than {max_depth} levels") from None
    check_value(data, max_depth=max_depth)
    return data
