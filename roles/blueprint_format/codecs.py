"""Turn a canonical document into text (JSON, YAML or readable Markdown) and hash it."""
import hashlib
import json

import yaml

from .markdown import document_to_markdown

FORMATS = ("json", "yaml", "markdown")


def dumps(doc: dict, fmt: str = "json") -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "markdown":
        return document_to_markdown(doc)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def content_hash(doc: dict) -> str:
    """A fingerprint of a canonical document: equal hashes mean nothing changed."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
