"""Roles, their versions, and the shared skill and tool libraries."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import Level, VersionStatus


class Skill(models.Model):
    """A skill name shared by every role that lists it, so "which roles need Python?" is one query."""

    name = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tool(models.Model):
    """A tool or platform shared across roles."""

    name = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.Model):
    """The stable identity of a job. Its content lives in versions; at most one is published."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=150, unique=True)
    family = models.CharField(max_length=200, db_index=True)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER, db_index=True)
    published_version = models.OneToOneField(
        "roles.BlueprintVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The highest version number ever given, so a discarded draft's number is never reused.
    last_version_number = models.PositiveIntegerField(default=0)
    # Lower-cased text of the published version (title, family, skills, tools, KPI names) for search.
    search_text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["family", "level"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("roles:detail", kwargs={"slug": self.slug})


class BlueprintVersion(models.Model):
    """One version of a role's blueprint. Published and archived versions never change."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    revision = models.PositiveIntegerField(default=1, help_text="Bumped on every save of a draft.")
    change_note = models.TextField(blank=True, default="")
    review_comment = models.TextField(blank=True, default="", help_text="The approver's reason for sending it back.")
    content_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)

    title = models.CharField(max_length=200)
    family = models.CharField(max_length=200, blank=True, default="")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER)
    horizon = models.CharField(max_length=200, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    mission_core = models.TextField(blank=True, default="")
    mission_strategic_importance = models.TextField(blank=True, default="")
    source_url = models.URLField(max_length=500, blank=True, default="")
    source_title = models.CharField(max_length=500, blank=True, default="")
    source_published = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["role", "number"], name="version_number_unique_per_role"),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="one_published_version_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        """Published and archived versions are immutable."""
        return self.status in (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
