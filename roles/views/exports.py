"""/roles/<slug>/export.(json|yaml|md): a version as a downloadable format-v1 file or Markdown."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from common.text import ascii_digits
from roles import permissions
from roles.exporting import ExportError, export_text, version_for_export

# URL extension -> (roles.exporting format, content type)
FORMATS = {
    "json": ("json", "application/json; charset=utf-8"),
    "yaml": ("yaml", "application/yaml; charset=utf-8"),
    "md": ("markdown", "text/markdown; charset=utf-8"),
}


@login_required
def export_role(request, slug: str, fmt: str):
    """The published version, or `?version=N`. Drafts and versions in review only for those who may see them."""
    permissions.require(permissions.can_read(request.user), "Exports are for members of the portal's groups.")
    raw = request.GET.get("version", "").strip()
    if raw and not ascii_digits(raw):
        raise Http404("version must be a number in the digits 0–9")
    try:
        version = version_for_export(slug, int(raw) if raw else None)
    except ExportError as exc:
        raise Http404(str(exc)) from None
    if not version.is_frozen and not permissions.can_see_drafts(request.user, version.role):
        raise Http404(f"{slug} has no published version {raw}".strip())
    codec, content_type = FORMATS[fmt]
    response = HttpResponse(export_text(version, codec), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{version.role.slug}-v{version.number}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
