"""What the API sends and accepts. Input serializers check shapes and types only; the blueprint itself is
checked by roles.blueprint_format.validate_document inside the services."""
from rest_framework import serializers

from roles.blueprint_format import FormatError
from roles.models import BlueprintVersion, Level, Role

NOTE_MAX_LENGTH = 5000


class RoleSerializer(serializers.ModelSerializer):
    """A published role in the list (load with select_related("published_version"))."""

    version = serializers.IntegerField(source="published_version.number", read_only=True)
    published_at = serializers.DateTimeField(source="published_version.published_at", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="roles_api:role-detail", lookup_field="slug")

    class Meta:
        model = Role
        fields = ["slug", "title", "family", "level", "version", "published_at", "url"]


class RoleFilterSerializer(serializers.Serializer):
    """?q=&family=&level= on the role list, with the catalog's meaning (roles.views.catalog.catalog_roles)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    family = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default="")


class VersionHistorySerializer(serializers.ModelSerializer):
    """A row of a role's history (load with select_related("created_by", "published_by"))."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="roles_api:version-detail")

    class Meta:
        model = BlueprintVersion
        fields = ["id", "number", "status", "revision", "change_note", "review_comment", "created_by",
                  "created_at", "published_by", "published_at", "url"]


def version_representation(version: BlueprintVersion, document: dict) -> dict:
    """How a version reads and writes: {"id", "number", "status", "revision", "document"} (format v1)."""
    return {"id": version.pk, "number": version.number, "status": version.status, "revision": version.revision,
            "document": document}


class VersionWriteSerializer(serializers.Serializer):
    """The body of PUT and PATCH. id, number, status and revision may be sent back as read; they are ignored
    (the revision travels in If-Match)."""

    document = serializers.DictField(allow_empty=False, help_text="A format-v1 document (PUT) or some of its "
                                                                  "top-level keys (PATCH).")


class SubmitSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                                 help_text="What changed and why (required by the workflow).")


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                                 help_text="Defaults to the change note given on submission.")


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                                    help_text="What the editor should change (required by the workflow).")


def guard_document(document: dict, where: str = "") -> None:
    """Refuse what validate_document lets through but the database cannot take (reported to the lead):
    a null "role" (AttributeError in the validator) and NUL characters (PostgreSQL text refuses them)."""
    if not where and "role" in document and document["role"] is None:
        raise FormatError("role", "expected an object, got null")
    items = document.items() if isinstance(document, dict) else enumerate(document)
    for key, value in items:
        here = f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else str(key))
        if isinstance(value, str) and "\x00" in value:
            raise FormatError(here, "must not contain NUL characters")
        if isinstance(value, (dict, list)):
            guard_document(value, here)
