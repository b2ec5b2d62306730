"""Parse a WordPress REST API post (GET /wp-json/wp/v2/posts/<id>) of the role-blueprint template."""
from .template_html import ParseResult, TemplateError, parse_template_html
from .template_reader import html_to_text


def parse_wordpress_post(post: dict) -> ParseResult:
    """Parse `content.rendered`; the title is `title.rendered` as text, the source its link and date.

    Raises TemplateError when the dict is not a post with rendered content, or
    when the content is not of the template.
    """
    content = post.get("content") if isinstance(post, dict) else None
    html = content.get("rendered") if isinstance(content, dict) else None
    if not isinstance(html, str) or not html.strip():
        raise TemplateError("not a WordPress post: no content.rendered HTML")
    title = html_to_text(_rendered(post.get("title")))
    source = {"url": post.get("link") or "", "title": title, "published": str(post.get("date") or "")[:10]}
    return parse_template_html(html, title=title or None, source=source)


def _rendered(field) -> str:
    """WordPress sends {"rendered": "…"}; some exports flatten it to the string itself."""
    if isinstance(field, dict):
        field = field.get("rendered")
    return field if isinstance(field, str) else ""
