"""Markdown from users (job postings, imported template pages), parsed in bounded time.

markdown-it-py costs about 1 µs per character of ordinary prose but up to 30 µs per character of
adversarial input, and more where link brackets pile up: every `[` without its `]` makes the link
rule scan on to the end of its paragraph (`'[!' * 49995`, the 100 KB a posting could hold, took
8 s on markdown-it-py 3.0 and 3 s on 4.x). So each caller bounds the text's length, and
`link_work` — for each paragraph, its `[` count times its length, summed — bounds the scanning;
real documents hold a few links per paragraph, far below either limit.

The parser itself runs with no linkify (which would scan every word for URLs), no typographer, and
CommonMark's nesting limit of 20 levels, which keeps its recursion shallow.
"""
import re

from markdown_it import MarkdownIt

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def markdown_parser(*, raw_html: bool, tables: bool) -> MarkdownIt:
    """CommonMark, with pipe tables when `tables`; raw HTML passed through only when `raw_html`."""
    options = {"html": raw_html, "linkify": False, "typographer": False, "maxNesting": 20}
    parser = MarkdownIt("commonmark", options)
    return parser.enable("table") if tables else parser


def link_work(text: str) -> int:
    """Σ over blank-line-separated paragraphs of (`[` count × length): the link rule's worst scanning."""
    return sum(chunk.count("[") * len(chunk) for chunk in _PARAGRAPH_BREAK.split(text) if "[" in chunk)


def markdown_problem(text: str, *, max_chars: int, max_link_work: int) -> str | None:
    """Why `text` is refused, in words for its author, or None."""
    if len(text) > max_chars:
        return f"is {len(text):,} characters, more than the {max_chars:,} allowed"
    if link_work(text) > max_link_work:
        return (f"has too many [ brackets ({text.count('['):,}) for the length of its paragraphs. Write links as "
                "[text](https://…) and keep other square brackets few")
    return None
