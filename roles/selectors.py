"""Reads that several pages, the exporter and the API share. They own their prefetching."""
from django.db.models import Prefetch, QuerySet

from .models import BlueprintItem, BlueprintVersion, Role, TechnicalSkill, SoftSkill, ToolUsage, VersionStatus

CONTENT_PREFETCH = (
    "responsibilities",
    "kpis",
    "milestones",
    "scorecard",
    "items",
    Prefetch("technical_skills", queryset=TechnicalSkill.objects.select_related("skill")),
    Prefetch("soft_skills", queryset=SoftSkill.objects.select_related("skill")),
    Prefetch("tools", queryset=ToolUsage.objects.select_related("tool")),
)


def versions_with_content() -> QuerySet[BlueprintVersion]:
    """Versions with every content row loaded: one query per content table, whatever the size."""
    return BlueprintVersion.objects.select_related("role", "created_by", "published_by").prefetch_related(
        *CONTENT_PREFETCH
    )


def open_draft(role: Role) -> BlueprintVersion | None:
    """The role's draft or in-review version, if any (there is at most one)."""
    return role.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]).order_by("-number").first()


def items_by_section(version: BlueprintVersion) -> dict[str, list[BlueprintItem]]:
    grouped: dict[str, list[BlueprintItem]] = {}
    for item in version.items.all():
        grouped.setdefault(item.section, []).append(item)
    for rows in grouped.values():
        rows.sort(key=lambda item: item.position)
    return grouped
