"""Refusals made before a view runs, so hostile requests cost nothing and never reach code that would
fail on them with a 500.

- Body size: a request whose Content-Length is over its view's limit is answered 413 before one byte
  of the body is read (Django's CSRF check reads a form body, so without this a 100 MB POST to the
  sign-in page was spooled to disk first). The limit is settings.REQUEST_MAX_BODY_BYTES unless the
  view declares its own with @max_body (upload pages, bulk API writes).
- Numbers in the path and the query string: a value made only of digits must fit in a 64-bit integer
  (ids are database integers; Python will not even read more than 4,300 digits), answered 400 naming
  the URL parameter (`pk`) or query parameter (`metric`).
- NUL characters in the query string: no text the portal keeps may hold one (PostgreSQL refuses it).
- BadParameter, raised by a view for a query parameter it cannot serve (an out-of-range ?period=).

HTML pages get the 400 page with the message; /api/ paths get {"detail", "where"} like the API's own errors.
"""
import re
from collections.abc import Callable

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

INT_LIMIT = 2**63 - 1
_DIGITS = re.compile(r"\A[0-9]+\Z")
_SENTINEL = "7318845290"  # stands in for an over-long number so the URL resolves and names its parameter


class BadParameter(Exception):
    """A request parameter the view cannot serve: answered 400 naming it."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        super().__init__(f"{name}: {message}")


def max_body(limit: int | Callable[[], int]):
    """Declare the largest request body a view (function or class) accepts, in bytes, or a function
    returning it (read at each request, so it follows the settings)."""
    def declare(view):
        view.max_body_bytes = limit
        return view
    return declare


def _too_long(value: str) -> bool:
    return bool(_DIGITS.match(value)) and (len(value) > 19 or int(value) > INT_LIMIT)


def refuse(request, status: int, where: str, message: str):
    detail = f"{where}: {message}" if where else message
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": detail, "where": where}, status=status)
    title = "Request too large" if status == 413 else "This request cannot be served"
    return render(request, "400.html", {"code": status, "title": title, "message": detail}, status=status)


def _declared_limit(path: str) -> int:
    try:
        view = resolve(path).func
    except Resolver404:
        return settings.REQUEST_MAX_BODY_BYTES
    limit = getattr(view, "max_body_bytes", None) or getattr(getattr(view, "view_class", None), "max_body_bytes",
                                                                 None)
    if limit is None:
        return settings.REQUEST_MAX_BODY_BYTES
    return limit() if callable(limit) else limit


def _path_parameter(path: str, segment_index: int) -> str:
    """The name of the URL parameter at this path segment, or a description of the segment."""
    segments = path.split("/")
    segments[segment_index] = _SENTINEL
    try:
        match = resolve("/".join(segments))
    except Resolver404:
        return f"path segment {segment_index}"
    names = [name for name, value in match.kwargs.items() if str(value) == _SENTINEL]
    return names[0] if names else f"path segment {segment_index}"


class RequestGuardMiddleware:
    """Its checks run as the request comes in, before any middleware's process_view: CsrfViewMiddleware's
    is the first to read a form body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(request, 400, "Content-Length", "is not a number of bytes")
        if length > settings.REQUEST_MAX_BODY_BYTES:
            limit = _declared_limit(request.path_info)
            if length > limit:
                return refuse(request, 413, "", f"The request body is {length / 1_048_576:.1f} MB; this address "
                                                f"accepts at most {limit / 1_048_576:.1f} MB.")
        for index, segment in enumerate(request.path_info.split("/")):
            if _too_long(segment):
                return refuse(request, 400, _path_parameter(request.path_info, index),
                              f"a number of {len(segment):,} digits is not a valid id")
        for name, values in request.GET.lists():
            if "\x00" in name:
                return refuse(request, 400, "query string", "a parameter name contains a NUL character")
            for value in values:
                if "\x00" in value:
                    return refuse(request, 400, name, "contains a NUL character, which text may not hold")
                if _too_long(value):
                    return refuse(request, 400, name, f"a number of {len(value):,} digits is out of range")
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return refuse(request, 400, exception.name, exception.message)
        return None
