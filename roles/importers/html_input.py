"""HTML and Markdown pages from outside, made safe to parse: bounded in size, in nesting, and in the
time Python's html.parser takes.

html.parser (what BeautifulSoup uses here) rescans the rest of the page from every markup opener it
cannot close: 100 KB of `<a x=` took 90 s, of `<!--` 15 s. A page of the template closes its tags,
so before parsing, every `<` that does not open a complete tag, comment, declaration or processing
instruction is written as `&lt;` — the text html.parser would have made of it — in one linear pass.
Elements nested deeper than MAX_DEPTH are refused (the reader walks the tree recursively; real pages
nest about 10 deep).
"""
import re

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

# The reference WordPress page is 70,000 characters (its Markdown rendition 55,000, see
# template_markdown.MAX_CHARS): this is four times that. It bounds the time too: html.parser and the
# reader take ~2 µs per character of a real page and up to ~15 µs of element-dense input (~4.5 s here).
MAX_CHARS = 300_000
MAX_DEPTH = 64

# Atomic groups and possessive quantifiers: a tag that turns out malformed fails without backtracking;
# names never run over a "<", so a failed attempt stops at the next opener.
_TAG = re.compile(r"""</?[A-Za-z][^\s/<>\x00]*+(?>[\s/]++[^\s/<>"'=]++(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s"'=<>`]++))?+)*+[\s/]*+>""")


class TemplateError(ValueError):
    """The page is not of the template at all, or cannot be read safely."""

    def __init__(self, message: str, section: str | None = None):
        super().__init__(message)
        self.section = section


def check_size(text: str, kind: str) -> None:
    if len(text) > MAX_CHARS:
        raise TemplateError(f"the {kind} page is {len(text):,} characters; a blueprint page has at most "
                            f"{MAX_CHARS:,}", section="file")


def close_or_escape(html: str) -> str:
    """`html` with every `<` that opens nothing complete escaped, in one pass (see the module docstring)."""
    out, pos, n = [], 0, len(html)
    next_comment_end = next_gt = 0  # memoised searches: each moves forward only, so the pass stays linear
    while True:
        lt = html.find("<", pos)
        if lt < 0:
            out.append(html[pos:])
            return "".join(out)
        out.append(html[pos:lt])
        end = -1
        if html.startswith("<!--", lt):
            if next_comment_end != -1 and next_comment_end < lt + 4:
                next_comment_end = html.find("-->", lt + 4)
            end = next_comment_end + 3 if next_comment_end != -1 else -1
        elif html.startswith(("<!", "<?"), lt):
            if next_gt != -1 and next_gt <= lt:
                next_gt = html.find(">", lt + 1)
            end = next_gt + 1 if next_gt != -1 else -1
        else:
            tag = _TAG.match(html, lt)
            end = tag.end() if tag else -1
        if end < 0:
            out.append("&lt;")
            pos = lt + 1
        else:
            out.append(html[lt:end])
            pos = end
        if pos >= n:
            return "".join(out)


def parse_html(html: str) -> BeautifulSoup:
    """The page as a BeautifulSoup tree (html.parser), or TemplateError naming what is wrong."""
    check_size(html, "HTML")
    try:
        soup = BeautifulSoup(close_or_escape(html), "html.parser")
    except ParserRejectedMarkup as exc:
        raise TemplateError(f"the page's markup cannot be read: {str(exc).splitlines()[0]}", section="page") from None
    depths = {id(soup): 0}
    for element in soup.descendants:
        if isinstance(element, Tag):
            depth = depths[id(element.parent)] + 1
            if depth > MAX_DEPTH:
                raise TemplateError(f"elements nest more than {MAX_DEPTH} deep (<{element.name}> at line "
                                    f"{element.sourceline})", section="page")
            depths[id(element)] = depth
    return soup
