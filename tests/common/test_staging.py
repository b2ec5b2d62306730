"""common.staging: uploads staged between a preview and its confirmation, as a row and bytes in the
"uploads" storage, usable by their owner only, once, until they expire; on a folder and on S3."""
import hashlib
import logging
from datetime import timedelta

import boto3
import pytest
from django.core.files.storage import storages
from django.http import Http404
from django.utils import timezone
from moto import mock_aws

from common.models import StagedUpload
from common.staging import (LIFETIME, StagedUploadGone, claim_staged, discard_staged, purge_expired, read_staged,
                            stage_upload)

pytestmark = pytest.mark.django_db
DATA = b"metric,email,team,date,value\n"


def files_in(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_staged_upload_is_a_row_and_bytes_in_the_uploads_storage(personas, uploads_storage):
    upload = stage_upload(owner=personas.manager, kind="kpis.csv", name="../../etc/passwd", data=DATA,
                          meta={"role": 7})
    row = StagedUpload.objects.get()
    assert (row.owner, row.kind, row.name, row.size, row.sha256, row.meta) == (
        personas.manager, "kpis.csv", "../../etc/passwd", len(DATA), hashlib.sha256(DATA).hexdigest(), {"role": 7})
    assert abs(row.expires_at - row.created_at - LIFETIME) < timedelta(seconds=5)
    assert files_in(uploads_storage) == [f"staged/kpis.csv/{upload.pk.hex}"]  # never the uploader's file name
    assert read_staged(token=upload.token, owner=personas.manager, kind="kpis.csv") == (row, DATA)


@pytest.mark.parametrize("who, kind, token", [("admin", "kpis.csv", None), ("manager", "roles.import", None),
                                              ("manager", "kpis.csv", "not-a-token"),
                                              ("manager", "kpis.csv", "00000000-0000-0000-0000-000000000000")])
def test_only_the_owner_reads_or_discards_an_upload_of_its_kind(personas, uploads_storage, who, kind, token):
    upload = stage_upload(owner=personas.manager, kind="kpis.csv", name="a.csv", data=DATA)
    asking = getattr(personas, who)
    with pytest.raises(Http404):
        read_staged(token=token or upload.token, owner=asking, kind=kind)
    with pytest.raises(StagedUploadGone):
        claim_staged(token=token or upload.token, owner=asking, kind=kind)
    assert discard_staged(token=token or upload.token, owner=asking, kind=kind) is False
    assert read_staged(token=upload.token, owner=personas.manager, kind="kpis.csv")[1] == DATA


def test_an_upload_is_claimed_once_and_then_gone_row_and_bytes(personas, uploads_storage):
    upload = stage_upload(owner=personas.admin, kind="roles.import", name="a.json", data=b"{}")
    assert claim_staged(token=upload.token, owner=personas.admin, kind="roles.import")[1] == b"{}"
    with pytest.raises(StagedUploadGone):
        claim_staged(token=upload.token, owner=personas.admin, kind="roles.import")
    assert discard_staged(token=upload.token, owner=personas.admin, kind="roles.import") is False
    assert not StagedUpload.objects.exists() and files_in(uploads_storage) == []


def test_expired_uploads_are_never_read_and_are_purged_when_anything_is_staged(personas, uploads_storage):
    old = [stage_upload(owner=personas.admin, kind="roles.import", name=f"{n}.json", data=b"{}") for n in range(3)]
    StagedUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(StagedUploadGone):
        read_staged(token=old[0].token, owner=personas.admin, kind="roles.import")
    assert StagedUpload.objects.count() == 2  # the one asked for went at once
    fresh = stage_upload(owner=personas.admin, kind="roles.import", name="new.json", data=b"{}")
    assert list(StagedUpload.objects.all()) == [fresh]
    assert files_in(uploads_storage) == [f"staged/roles.import/{fresh.pk.hex}"]
    assert purge_expired() == 0


def test_bytes_changed_or_lost_in_storage_count_as_gone(personas, uploads_storage, caplog):
    altered = stage_upload(owner=personas.admin, kind="roles.import", name="a.json", data=b"{}")
    lost = stage_upload(owner=personas.admin, kind="roles.import", name="b.json", data=b"[]")
    (uploads_storage / altered.stored_as).write_bytes(b"{ }")
    (uploads_storage / lost.stored_as).unlink()
    with caplog.at_level(logging.WARNING, "common.staging"):
        for upload in (altered, lost):
            with pytest.raises(StagedUploadGone):
                read_staged(token=upload.token, owner=personas.admin, kind="roles.import")
    assert "missing or altered in storage" in caplog.text
    assert not StagedUpload.objects.exists() and files_in(uploads_storage) == []


def test_bytes_are_not_kept_when_the_row_cannot_be_saved(personas, uploads_storage, django_user_model):
    with pytest.raises(ValueError):
        stage_upload(owner=django_user_model(username="unsaved"), kind="kpis.csv", name="a.csv", data=DATA)
    assert files_in(uploads_storage) == []


@pytest.fixture
def s3_uploads(settings, monkeypatch):
    """The uploads storage on S3 (django-storages against moto's S3 in this process)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="blueprint-uploads")
        settings.STORAGES = {**settings.STORAGES, "uploads": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "blueprint-uploads", "location": "portal"}}}
        yield boto3.client("s3")


def test_uploads_are_staged_on_s3_compatible_storage_through_django_storages(personas, s3_uploads):
    upload = stage_upload(owner=personas.admin, kind="roles.import", name="a.json", data=b'{"a": 1}')
    listed = s3_uploads.list_objects_v2(Bucket="blueprint-uploads")["Contents"]
    assert [o["Key"] for o in listed] == [f"portal/staged/roles.import/{upload.pk.hex}"]
    assert storages["uploads"].__class__.__name__ == "S3Storage"
    assert claim_staged(token=upload.token, owner=personas.admin, kind="roles.import")[1] == b'{"a": 1}'
    assert s3_uploads.list_objects_v2(Bucket="blueprint-uploads")["KeyCount"] == 0


@pytest.mark.parametrize("kind", ["../etc", "Roles.Import", "", "kpis/csv", "x" * 41])
def test_a_kind_is_a_plain_name_because_it_is_part_of_the_stored_name(personas, uploads_storage, kind):
    with pytest.raises(ValueError, match="plain lower-case name"):
        stage_upload(owner=personas.admin, kind=kind, name="a.csv", data=DATA)
    assert files_in(uploads_storage) == [] and not StagedUpload.objects.exists()
