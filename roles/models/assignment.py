"""Which job families an editor may edit."""
from django.conf import settings
from django.db import models


class FamilyAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_assignments")
    family = models.CharField(max_length=200, help_text="A role family, e.g. “Applied AI Engineering”.")

    class Meta:
        ordering = ["family"]
        constraints = [models.UniqueConstraint(fields=["user", "family"], name="family_assignment_unique")]

    def __str__(self):
        return f"{self.user} edits {self.family}"
