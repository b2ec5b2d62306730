"""Read one uploaded or on-disk file into a format-v1 document, whatever its kind.

Kinds: format v1 as JSON or YAML, a WordPress REST post (JSON), an HTML page or
Markdown of the 20-section template. Every failure is a SourceError naming the
section or place and what is wrong, in words a person understands.
"""
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

from roles.blueprint_format import FORMAT, FormatError
from roles.blueprint_format.codecs import load_json, load_yaml


class SourceError(ValueError):
    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Source:
    kind: str                       # "format-v1 JSON", "WordPress post", "HTML page", …
    document: dict                  # not yet validated
    warnings: list[str] = field(default_factory=list)


def _decode(name: str, data: bytes) -> str:
    limit = settings.BLUEPRINT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise SourceError("file", f"is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB")
    if b"\x00" in data[:8192]:
        raise SourceError("file", "is a binary file, not JSON, YAML, HTML or Markdown text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError("file", f"is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    if not text.strip():
        raise SourceError("file", "is empty")
    return text


def _kind_of(name: str, text: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in {".json"}:
        return "json"
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    if suffix in {".html", ".htm"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    head = text.lstrip()[:200].lower()
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<"):
        return "html"
    if head.startswith("#") or "\n## " in text[:5000]:
        return "markdown"
    return "yaml"


def _refused(kind: str, exc: FormatError) -> SourceError:
    """A problem of the text itself is the file kind's ("YAML: at line 3: aliases…"); one of a value
    names its place ("kpis[2].note: contains a NUL character")."""
    if not exc.where or exc.where.startswith("line"):
        return SourceError(kind, f"at {exc.where}: {exc.message}" if exc.where else exc.message)
    return SourceError(exc.where, exc.message)


def _from_json(text: str) -> Source:
    try:
        data = load_json(text)
    except FormatError as exc:
        raise _refused("JSON", exc) from None
    # A WordPress post has a "format" key of its own ("standard"), so look for its content first.
    is_post = isinstance(data, dict) and isinstance(data.get("content"), dict)
    if isinstance(data, dict) and "format" in data and not is_post:
        return Source("format-v1 JSON", data)
    if is_post:
        from .wordpress import parse_wordpress_post
        from .template_html import TemplateError

        try:
            result = parse_wordpress_post(data)
        except TemplateError as exc:
            raise SourceError(getattr(exc, "section", None) or "WordPress post", str(exc)) from None
        return Source("WordPress post", result.document, list(result.warnings))
    raise SourceError("document", f"JSON is neither format v1 (no \"format\": \"{FORMAT}\" key) "
                                  "nor a WordPress post (no \"content\" object)")


def _from_yaml(text: str) -> Source:
    try:
        data = load_yaml(text)
    except FormatError as exc:
        raise _refused("YAML", exc) from None
    if not isinstance(data, dict):
        raise SourceError("document", f"YAML must hold a format-v1 object, not {type(data).__name__}")
    return Source("format-v1 YAML", data)


def _from_template(kind: str, text: str) -> Source:
    from .template_html import TemplateError, parse_template_html
    from .template_markdown import parse_template_markdown

    try:
        result = parse_template_html(text) if kind == "html" else parse_template_markdown(text)
    except TemplateError as exc:
        raise SourceError(getattr(exc, "section", None) or "page", str(exc)) from None
    label = "HTML page" if kind == "html" else "Markdown page"
    return Source(label, result.document, list(result.warnings))


def read_source(name: str, data: bytes) -> Source:
    """Decode, detect and parse one file. Raises SourceError."""
    text = _decode(name, data)
    kind = _kind_of(name, text)
    if kind == "json":
        return _from_json(text)
    if kind == "yaml":
        return _from_yaml(text)
    return _from_template(kind, text)
