"""Check a format-v1 document and return its canonical form.

Every text field loses its invisible formatting characters (bidi overrides, zero-width characters:
common.text) and is refused if it holds another control character than a line break or a tab;
source.url must be an http(s) address.

The canonical form has every key, in the exporter's order, with defaults filled in
and derived values (slug, family, level) made explicit, so that exporting what was
imported gives back exactly the same document.
"""
import datetime
import re

from common.text import is_web_address, strip_invisible

from .derive import derive_family, derive_level, derive_slug
from .errors import FormatError
from .spec import (
    FORMAT,
    ITEM_LISTS,
    MISSION_FIELDS,
    OBJECT_KEYS,
    ROLE_FIELDS,
    SOURCE_FIELDS,
    TOP_LEVEL_KEYS,
    TYPED_LISTS,
    TEXT_LISTS,
    Field,
    RowList,
)

SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Text may hold line breaks and tabs; other control characters (NUL above all) are refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TYPE_NAMES = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
               float: "a number", type(None): "null"}


def _kind(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _object(value, where: str, allowed: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise FormatError(where, f"expected an object, got {_kind(value)}")
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise FormatError(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})")
    return value


def _text(value, where: str, spec: Field) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FormatError(where, f"expected text, got {_kind(value)}")
    value = strip_invisible(value).strip()
    bad = _CONTROL.search(value)
    if bad:
        raise FormatError(where, f"contains a control character (code {ord(bad.group())}) at position {bad.start()}")
    if not value:
        if spec.required:
            raise FormatError(where, "must not be empty")
        value = spec.default
    if spec.choices is not None and value and value not in spec.choices:
        raise FormatError(where, f"{value!r} is not one of: {', '.join(spec.choices)}")
    if spec.max_length and len(value) > spec.max_length:
        raise FormatError(where, f"is {len(value)} characters long; at most {spec.max_length} allowed")
    return value


def _fields(obj: dict, where: str, fields: tuple[Field, ...]) -> dict:
    _object(obj, where, tuple(f.name for f in fields))
    return {f.name: _text(obj.get(f.name), f"{where}.{f.name}", f) for f in fields}


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(where, f"expected a list, got {_kind(value)}")
    return value


def _rows(value, spec: RowList) -> list[dict]:
    rows = []
    for index, row in enumerate(_list(value, spec.path)):
        where = f"{spec.path}[{index}]"
        if not isinstance(row, dict):
            raise FormatError(where, f"expected an object, got {_kind(row)}")
        rows.append(_fields(row, where, spec.fields))
    return rows


def _strings(value, where: str) -> list[str]:
    out = []
    for index, item in enumerate(_list(value, where)):
        text = _text(item, f"{where}[{index}]", Field("item", required=True))
        out.append(text)
    return out


def _published(value, where: str) -> str:
    if isinstance(value, datetime.date):  # YAML reads an unquoted date as a date
        return value.isoformat()
    text = _text(value, where, Field("published"))
    if text:
        try:
            datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise FormatError(where, f"{text!r} is not a date (expected YYYY-MM-DD)") from None
        text = text[:10]
    return text


def _get_path(doc: dict, path: str):
    head, _, tail = path.partition(".")
    value = doc.get(head)
    if not tail:
        return value
    return value.get(tail) if isinstance(value, dict) else None


def _set_path(doc: dict, path: str, value) -> None:
    head, _, tail = path.partition(".")
    if tail:
        doc[head][tail] = value
    else:
        doc[head] = value


def validate_document(raw) -> dict:
    """Return the canonical form of a format-v1 document, or raise FormatError naming the place."""
    doc = _object(raw, "document", TOP_LEVEL_KEYS)
    if "format" not in doc:
        raise FormatError("format", f"missing; expected {FORMAT!r}")
    if doc["format"] != FORMAT:
        raise FormatError("format", f"unsupported format {doc['format']!r}; this portal reads {FORMAT!r}")
    if not isinstance(doc.get("role"), dict):
        raise FormatError("role", "missing; a blueprint needs at least role.title" if doc.get("role") is None
                          else f"expected an object, got {_kind(doc['role'])}")
    for key, allowed in OBJECT_KEYS.items():
        if doc.get(key) is not None:
            _object(doc[key], key, allowed)

    role = _fields({k: v for k, v in doc["role"].items() if k != "interaction_partners"}, "role", ROLE_FIELDS)
    role["slug"] = role["slug"] or derive_slug(role["title"])
    if not SAFE_SLUG.match(role["slug"]):
        raise FormatError("role.slug", f"{role['slug']!r} is not a safe slug "
                                       "(lower-case letters, digits and single hyphens)")
    role["family"] = role["family"] or derive_family(role["title"])
    role["level"] = role["level"] or derive_level(role["title"])

    out: dict = {"format": FORMAT}
    source = doc.get("source")
    if source:
        fields = _fields({k: v for k, v in source.items() if k != "published"}, "source", SOURCE_FIELDS[:2])
        if fields["url"] and not is_web_address(fields["url"]):
            raise FormatError("source.url", f"{fields['url'][:80]!r} is not a web address; only http:// and "
                                            "https:// addresses are accepted")
        fields["published"] = _published(source.get("published"), "source.published")
        if any(fields.values()):
            out["source"] = fields
    out["role"] = {**role, "interaction_partners": []}
    out["mission"] = {**_fields({k: v for k, v in (doc.get("mission") or {}).items() if k != "outcomes"},
                                "mission", MISSION_FIELDS), "outcomes": []}
    for key in TOP_LEVEL_KEYS[4:]:
        if key in OBJECT_KEYS:
            out[key] = {sub: [] for sub in OBJECT_KEYS[key]}
        elif key not in out:
            out[key] = []
    for spec in (*TYPED_LISTS, *ITEM_LISTS):
        _set_path(out, spec.path, _rows(_get_path(doc, spec.path), spec))
    for spec in TEXT_LISTS:
        _set_path(out, spec.path, _strings(_get_path(doc, spec.path), spec.path))
    return out
