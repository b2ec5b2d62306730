"""The audit trail: every write through a service leaves one row."""
from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60, db_index=True)
    role = models.ForeignKey("roles.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="audit")
    version = models.ForeignKey(
        "roles.BlueprintVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    # Kept even when the version is later discarded (the foreign key then becomes empty).
    version_number = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
