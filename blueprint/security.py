"""Content Security Policy for every HTML page.

The pages load scripts and stylesheets only from static files (no inline <script>, no on*= handlers,
no style="" attributes), so a strict policy holds: nothing inline, nothing from another origin.
htmx is told not to inject its indicator <style> (`includeIndicatorStyles: false` in the pages'
htmx-config meta); the indicator styles live in the static CSS.

The job-posting preview is an <iframe srcdoc> sandboxed without scripts: a srcdoc document inherits
this policy, so even a sanitiser miss could not run script in it. Its one fixed <style> (PREVIEW_STYLE
in roles/views/job_posting.py) is allowed by its sha256 hash, computed here from the constant, so no
other inline style is. `frame-src 'self'` keeps frames to this origin.

Views may set their own Content-Security-Policy header; it is then left alone.
"""
import base64
import hashlib
import re


DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def style_hash(style_element: str) -> str:
    """The CSP source for one inline <style> element: 'sha256-…' of its text."""
    text = re.sub(r"^<style[^>]*>|</style>$", "", style_element.strip())
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def page_policy() -> dict:
    """DEFAULT_POLICY plus the hash of the job-posting preview's fixed style."""
    directives = {name: list(values) for name, values in DEFAULT_POLICY.items()}
    from roles.views.job_posting import PREVIEW_STYLE

    directives.setdefault("style-src", ["'self'"]).append(style_hash(PREVIEW_STYLE))
    return directives


def build_policy(directives: dict | None = None) -> str:
    directives = directives if directives is not None else page_policy()
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every text/html response (and nosniff to all)."""

    header = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() == "text/html" and self.header not in response:
            response[self.header] = self.policy
        return response
