"""Parse a Markdown rendition of the role-blueprint template.

Markdown is rendered to HTML (CommonMark plus pipe tables) and read by the same
parser as WordPress pages, so both sources follow one set of rules.
"""
from markdown_it import MarkdownIt

from .template_html import ParseResult, TemplateError, parse_template_html

_MARKDOWN = MarkdownIt("commonmark").enable("table")


def parse_template_markdown(text: str, *, source: dict | None = None) -> ParseResult:
    """The role title comes from the first "# " heading (before any ':'), else the summary's bold role name."""
    if not isinstance(text, str):
        raise TemplateError("not a role blueprint: expected Markdown text")
    return parse_template_html(_MARKDOWN.render(text), source=source)
