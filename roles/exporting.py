"""Export a role's version as format v1 (JSON, YAML) or Markdown."""
from roles.blueprint_format import dumps, read_document
from roles.models import BlueprintVersion, Role
from roles.selectors import versions_with_content


class ExportError(LookupError):
    pass


def version_for_export(slug: str, number: int | None = None) -> BlueprintVersion:
    """The published version of a role (or the version numbered `number`), content loaded."""
    role = Role.objects.filter(slug=slug).first()
    if role is None:
        raise ExportError(f"no role with slug {slug!r}")
    versions = versions_with_content().filter(role=role)
    if number is not None:
        version = versions.filter(number=number).first()
        if version is None:
            raise ExportError(f"{slug} has no version {number}")
        return version
    version = versions.filter(pk=role.published_version_id).first() if role.published_version_id else None
    if version is None:
        version = versions.order_by("-number").first()
    if version is None:
        raise ExportError(f"{slug} has no versions")
    return version


def export_text(version: BlueprintVersion, fmt: str = "json") -> str:
    return dumps(read_document(version), fmt)
