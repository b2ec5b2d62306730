import uuid

from django.conf import settings
from django.db import models


class StagedUpload(models.Model):
    """An uploaded file waiting between a preview and its confirmation (common/staging.py).

    The row and the storage are the whole state: any web process can confirm what another one
    previewed. The id is the token the browser sends back; it is random, and only its owner can use it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, help_text="What the file is for, e.g. roles.import or kpis.csv.")
    name = models.CharField(max_length=200, help_text="The file name the browser sent, for display only.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=255, help_text='Its name in the "uploads" storage (settings.STORAGES).')
    meta = models.JSONField(default=dict, blank=True,
                            help_text="What the uploader chose with the file that confirming must honour.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"

    @property
    def token(self) -> str:
        return str(self.pk)
