"""Parse a Markdown rendition of the role-blueprint template.

Markdown is rendered to HTML (CommonMark plus pipe tables) and read by the same
parser as WordPress pages, so both sources follow one set of rules.
"""
from roles.markdown_input import markdown_parser, markdown_problem

from .template_html import ParseResult, TemplateError, parse_template_html

_MARKDOWN = markdown_parser(raw_html=True, tables=True)
# The reference page's Markdown rendition is 55,000 characters with one [ bracket; these limits leave
# five times that and keep the worst input under a few seconds (roles/markdown_input.py).
MAX_CHARS = 300_000
MAX_LINK_WORK = 5_000_000


def parse_template_markdown(text: str, *, source: dict | None = None) -> ParseResult:
    """The role title comes from the first "# " heading (before any ':'), else the summary's bold role name."""
    if not isinstance(text, str):
        raise TemplateError("not a role blueprint: expected Markdown text")
    problem = markdown_problem(text, max_chars=MAX_CHARS, max_link_work=MAX_LINK_WORK)
    if problem:
        raise TemplateError(f"the Markdown page {problem}", section="file")
    return parse_template_html(_MARKDOWN.render(text), source=source)
