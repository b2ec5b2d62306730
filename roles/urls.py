from django.urls import path, register_converter

from .views import catalog, exports, importing, role_page


class ExportFormatConverter:
    """The file extensions a role can be exported as (see roles.views.exports.FORMATS)."""

    regex = "json|yaml|md"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "exportfmt")

app_name = "roles"
urlpatterns = [
    path("roles/", catalog.catalog, name="catalog"),
    path("roles/<slug:slug>/", role_page.role_detail, name="detail"),
    path("roles/<slug:slug>/export.<exportfmt:fmt>", exports.export_role, name="export"),
    path("import/", importing.import_page, name="import"),
]
