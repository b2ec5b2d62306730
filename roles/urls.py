from django.urls import path, register_converter

from .views import catalog, exports, importing, role_page
from .views import compare, history, job_posting
from .views import editor, editor_section, workflow


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
    path("roles/new/", workflow.role_new, name="role_new"),  # before roles/<slug>/
    path("roles/<slug:slug>/", role_page.role_detail, name="detail"),
    path("roles/<slug:slug>/export.<exportfmt:fmt>", exports.export_role, name="export"),
    path("import/", importing.import_page, name="import"),
    path("roles/<slug:slug>/versions/", history.versions, name="versions"),
    path("roles/<slug:slug>/versions/<int:number>/", history.version_detail, name="version"),
    path("roles/<slug:slug>/diff/<int:a>/<int:b>/", history.diff, name="diff"),
    path("roles/<slug:slug>/job-posting/", job_posting.job_posting, name="job_posting"),
    path("compare/", compare.compare_pick, name="compare_pick"),
    path("compare/<slug:a>/<slug:b>/", compare.compare, name="compare"),
    path("roles/<slug:slug>/edit/", editor.editor, name="edit"),
    path("roles/<slug:slug>/edit/submit/", workflow.submit, name="submit"),
    path("roles/<slug:slug>/edit/discard/", workflow.discard, name="discard"),
    path("roles/<slug:slug>/edit/<slug:anchor>/", editor_section.edit_section, name="edit_section"),
    path("roles/<slug:slug>/duplicate/", workflow.role_duplicate, name="duplicate"),
    path("review/", workflow.review_queue, name="review_queue"),
    path("review/<int:pk>/publish/", workflow.publish, name="publish"),
    path("review/<int:pk>/send-back/", workflow.send_back, name="send_back"),
]
