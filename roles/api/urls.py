"""/api/v1/ routes of the roles app (included by blueprint.api)."""
from django.urls import path

from . import version_views, views

app_name = "roles_api"
urlpatterns = [
    path("roles/", views.RoleList.as_view(), name="role-list"),
    path("roles/<slug:slug>/", views.RoleDetail.as_view(), name="role-detail"),
    path("roles/<slug:slug>/versions/", views.RoleVersions.as_view(), name="role-versions"),
    path("roles/<slug:slug>/draft/", views.RoleDraft.as_view(), name="role-draft"),
    path("versions/<int:pk>/", version_views.VersionDetail.as_view(), name="version-detail"),
    path("versions/<int:pk>/submit/", version_views.SubmitVersion.as_view(), name="version-submit"),
    path("versions/<int:pk>/publish/", version_views.PublishVersion.as_view(), name="version-publish"),
    path("versions/<int:pk>/reject/", version_views.RejectVersion.as_view(), name="version-reject"),
]
