"""Per-view limits on how many fields a form post may carry.

Django refuses a post of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields (1,000) with a bare 400, the first time
anything reads request.POST: the CSRF check, before any view runs. A view that takes more (an editor section of
2,000 KPIs posts 10,000 fields) says how many with @accepts_fields; PostFieldLimitMiddleware, listed before
CsrfViewMiddleware, then reads a signed-in user's form post to that view itself. A post over the view's limit is
not refused: its first `limit` fields are read, in the order the form sends them, and request.fields_over_limit
is set, so that the view answers with its own page, an error and what was read. The work stays bounded by the
limit; the body's size by DATA_UPLOAD_MAX_MEMORY_SIZE, as for any post.
"""
from collections.abc import Callable
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

FORM = "application/x-www-form-urlencoded"


def accepts_fields(limit: Callable[..., int]):
    """Let a view's form posts carry up to `limit(**view_kwargs)` fields (see the module's docstring)."""
    def decorate(view):
        view.post_field_limit = limit
        return view
    return decorate


class PostFieldLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, _view_args, view_kwargs):
        limit = getattr(view_func, "post_field_limit", None)
        if (limit is None or request.method != "POST" or request.content_type != FORM
                or not request.user.is_authenticated):
            return None
        limit = limit(**view_kwargs)
        fields = request.body.split(b"&", limit)
        request.fields_over_limit = len(fields) > limit
        encoding = request.encoding or settings.DEFAULT_CHARSET
        body = b"&".join(fields[:limit])
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            text = body.decode("iso-8859-1")  # as Django's QueryDict reads a misbehaving client's post
        post = QueryDict(mutable=True, encoding=encoding)
        for name, value in parse_qsl(text, keep_blank_values=True, encoding=encoding):
            post.appendlist(name, value)
        request.POST = post
        request._files = MultiValueDict()  # as Django sets it for a form post: request.FILES never reparses the body
        return None
