"""The portal's JSON API, version 1, mounted at /api/v1/ by blueprint.urls. Each app adds its routes here."""
from django.http import JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve


def no_endpoint(request, rest: str = ""):
    """Unknown paths under /api/v1/ answer JSON like the rest of the API, not the HTML 404 page."""
    detail = f"no API endpoint at {request.path!r}"
    if not request.path.endswith("/") and _is_endpoint(request.path_info + "/"):
        detail += f"; did you mean {request.path + '/'!r}?"
    return JsonResponse({"detail": detail}, status=404)


def _is_endpoint(path_: str) -> bool:
    try:
        return resolve(path_).func is not no_endpoint
    except Resolver404:
        return False


urlpatterns = [
    path("", include("roles.api.urls")),
    path("", include("hiring.api.urls")),
    path("", include("kpis.api.urls")),
    # Keep last: it answers every path the apps above do not.
    re_path(r"^(?P<rest>[\s\S]*)$", no_endpoint),
]
