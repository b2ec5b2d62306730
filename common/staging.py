"""Uploads staged between a preview and its confirmation: a StagedUpload row and the bytes in the
"uploads" storage (settings.STORAGES, looked up at each use); nothing in the session or in a web
process's memory, so the confirmation can land on any web process.

Expired uploads are purged on access: every stage_upload() first removes the expired ones, and an
expired one is never read. (Not by a beat task: the Celery worker need not reach the web's storage
when that is a folder, as in docker-compose.)
"""
import hashlib
import logging
import re
import uuid
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404
from django.utils import timezone

from .models import StagedUpload

LIFETIME = timedelta(hours=24)
KIND = re.compile(r"\A[a-z][a-z0-9_.]{0,39}\Z")  # part of the stored name
PURGE_BATCH = 100
logger = logging.getLogger(__name__)


class StagedUploadGone(Http404):
    """No such upload for this owner and kind: never staged, expired, already used, or someone else's."""


def stage_upload(*, owner: AbstractBaseUser, kind: str, name: str, data: bytes,
                 meta: dict | None = None) -> StagedUpload:
    """Keep `data` until it is confirmed, discarded or LIFETIME has passed; the row's token is what the
    browser sends back. `kind` says what the file is for ("kpis.csv"); `meta` holds what the uploader
    chose with the file (JSON-serialisable)."""
    if not KIND.match(kind):
        raise ValueError(f"kind must be a plain lower-case name such as 'kpis.csv', not {kind!r}")
    purge_expired()
    upload = StagedUpload(owner=owner, kind=kind, name=name[:200], size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), meta=meta or {},
                          expires_at=timezone.now() + LIFETIME)
    # Named by kind and token, never by the uploader's file name.
    upload.stored_as = storages["uploads"].save(f"staged/{kind}/{upload.pk.hex}", ContentFile(data))
    try:
        upload.save(force_insert=True)
    except BaseException:
        storages["uploads"].delete(upload.stored_as)
        raise
    return upload


def _parse(token: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(token))
    except ValueError:
        return None


def read_staged(*, token: str, owner: AbstractBaseUser, kind: str) -> tuple[StagedUpload, bytes]:
    """The upload of this token and its bytes, if `owner` staged it as `kind` and it has not expired;
    StagedUploadGone (a 404) otherwise. Bytes that do not match the recorded size and digest are
    treated as gone, and discarded."""
    pk = _parse(token)
    upload = StagedUpload.objects.filter(pk=pk, owner=owner, kind=kind).first() if pk else None
    if upload is None:
        raise StagedUploadGone("That upload has expired or was already used.")
    if upload.expires_at <= timezone.now():
        _remove(upload)
        raise StagedUploadGone("That upload has expired or was already used.")
    try:
        with storages["uploads"].open(upload.stored_as, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        data = None
    if data is None or len(data) != upload.size or hashlib.sha256(data).hexdigest() != upload.sha256:
        logger.warning("staged upload %s (%s) is missing or altered in storage; discarded", upload.pk, upload.kind)
        _remove(upload)
        raise StagedUploadGone("That upload has expired or was already used.")
    return upload, data


def discard_staged(*, token: str, owner: AbstractBaseUser, kind: str) -> bool:
    """Remove the upload of this token if `owner` staged it as `kind`; whether this call removed it.
    Of two requests discarding the same upload, one gets True: confirming can claim an upload this way."""
    pk = _parse(token)
    upload = StagedUpload.objects.filter(pk=pk, owner=owner, kind=kind).first() if pk else None
    return upload is not None and _remove(upload)


def claim_staged(*, token: str, owner: AbstractBaseUser, kind: str) -> tuple[StagedUpload, bytes]:
    """read_staged() and discard_staged() at once, for confirming: the bytes go to one request only
    (a second click, or a second tab, finds the upload gone), and nothing is left staged whatever
    the confirmation's outcome."""
    upload, data = read_staged(token=token, owner=owner, kind=kind)
    if not discard_staged(token=token, owner=owner, kind=kind):
        raise StagedUploadGone("That upload has expired or was already used.")
    return upload, data


def _remove(upload: StagedUpload) -> bool:
    removed, _ = StagedUpload.objects.filter(pk=upload.pk).delete()
    if removed:
        storages["uploads"].delete(upload.stored_as)
    return bool(removed)


def purge_expired() -> int:
    """Remove up to PURGE_BATCH expired uploads, rows and bytes; how many."""
    expired = list(StagedUpload.objects.filter(expires_at__lte=timezone.now()).order_by("expires_at")[:PURGE_BATCH])
    return sum(_remove(upload) for upload in expired)
