"""Roles: the published catalog, a role's published blueprint in format v1, its history, its draft."""
from django.utils.http import http_date
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from roles.models import Role
from roles.selectors import open_draft
from roles.services.drafts import open_or_start_draft
from roles.views.catalog import catalog_roles

from .access import PortalMember, document_of, visible_role, visible_versions
from .preconditions import etag, not_modified, version_response
from .serializers import RoleFilterSerializer, RoleSerializer, VersionHistorySerializer


class RoleList(generics.ListAPIView):
    """GET /api/v1/roles/?q=&family=&level= — published roles, with the catalog page's search."""

    permission_classes = [PortalMember]
    serializer_class = RoleSerializer

    def get_queryset(self):
        filters = RoleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return catalog_roles(**filters.validated_data).select_related("published_version").order_by("title", "pk")


class RoleDetail(APIView):
    """GET /api/v1/roles/<slug>/ — the published version's document, exactly as the exporter writes it.

    The body is the document alone; which version it is travels in the headers (X-Blueprint-Version,
    X-Blueprint-Status, ETag, Content-Location naming /api/v1/versions/<id>/).
    """

    permission_classes = [PortalMember]

    def get(self, request, slug: str):
        role = Role.objects.select_related("published_version").filter(slug=slug).first()
        version = role.published_version if role else None
        if version is None:
            # Also for a role that exists only as a draft: its existence is not a reader's business.
            raise NotFound(f"no published role with the slug {slug!r}")
        version.role = role
        headers = {
            "ETag": etag(version),
            "X-Blueprint-Version": str(version.number),
            "X-Blueprint-Status": version.status,
            "Content-Location": reverse("roles_api:version-detail", kwargs={"pk": version.pk}, request=request),
        }
        if version.published_at:
            headers["Last-Modified"] = http_date(version.published_at.timestamp())
        if not_modified(request, version):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(document_of(version), headers=headers)


class RoleVersions(generics.ListAPIView):
    """GET /api/v1/roles/<slug>/versions/ — the history; drafts and versions in review only for those
    who may see them."""

    permission_classes = [PortalMember]
    serializer_class = VersionHistorySerializer

    def get_queryset(self):
        role = visible_role(self.request.user, self.kwargs["slug"])
        return (visible_versions(self.request.user, role).select_related("created_by", "published_by")
                .order_by("-number"))


class RoleDraft(APIView):
    """POST /api/v1/roles/<slug>/draft/ — the role's open draft (or version in review), started from the
    published version when there is none: 201 when it was created, 200 when it existed."""

    permission_classes = [PortalMember]

    def post(self, request, slug: str):
        role = visible_role(request.user, slug)
        before = open_draft(role)
        draft = open_or_start_draft(role=role, by=request.user)
        if before is not None and before.pk == draft.pk:
            return version_response(draft)
        location = reverse("roles_api:version-detail", kwargs={"pk": draft.pk}, request=request)
        return version_response(draft, status_code=status.HTTP_201_CREATED, headers={"Location": location})
