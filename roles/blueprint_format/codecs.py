"""Turn a canonical document into text (JSON, YAML or readable Markdown) and hash it; read JSON and YAML
text from outside into plain data, refusing what could exhaust memory or the stack."""
import hashlib
import json

import yaml

from common.strict_json import MAX_DEPTH, InputError, check_value, loads

from .errors import FormatError
from .markdown import document_to_markdown

FORMATS = ("json", "yaml", "markdown")


def dumps(doc: dict, fmt: str = "json") -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.dump(doc, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "markdown":
        return document_to_markdown(doc)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def content_hash(doc: dict) -> str:
    """A fingerprint of a canonical document: equal hashes mean nothing changed."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated objects out in full: an export never holds an alias its import would refuse."""

    def ignore_aliases(self, data) -> bool:
        return True


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases, and with a depth limit.

    An alias repeats the node its anchor names, so a few hundred bytes of nested aliases expand to
    gigabytes ("billion laughs": a 340 KB file took a worker past 300 MB). Blueprints never need
    them (our exports write none), so the first alias is refused. Nesting is limited as in JSON: the
    composer recurses once per level.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise FormatError(_line(event), f"aliases (*{event.anchor}) are not accepted; write the content "
                                            "out in full")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise FormatError(_line(self.peek_event()), f"nests deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        digits = len(node.value.lstrip("+-").replace("_", ""))
        if digits > 19:
            raise FormatError(_line(node), f"a whole number of {digits:,} digits is out of range")
        return super().construct_yaml_int(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int)


def _line(mark_holder) -> str:
    return f"line {mark_holder.start_mark.line + 1}"


def load_json(text: str):
    """Plain data from JSON text; FormatError naming the place (a line, or a path such as kpis[3].note)."""
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError("", f"invalid at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except InputError as exc:
        raise FormatError(exc.where, exc.message) from None


def load_yaml(text: str):
    """Plain data from YAML text, without aliases; FormatError naming the line or path of any problem."""
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise FormatError("", f"invalid at {where}: {problem}") from None
    try:
        check_value(data)
    except InputError as exc:
        raise FormatError(exc.where, exc.message) from None
    return data
