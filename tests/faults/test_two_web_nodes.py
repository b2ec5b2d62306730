"""Two web processes that share the database, the cache (a private redis-server as CACHE_URL) and the
uploads storage behave like one, as production runs them behind a load balancer:

- sign-in throttling: two browsers guessing one account's password at once, one on each server,
  typing its name as "Boss", "boss", "ＢＯＳＳ" (full width) or " boss ": exactly
  LOGIN_THROTTLE_USER_LIMIT guesses are checked, every other attempt is refused with a 429;
- staged uploads: files previewed on one server are confirmed on the other, from another session,
  each server with a local folder (BLUEPRINT_VAR_DIR) of its own; the uploads storage is S3 (moto's
  server, through django-storages); nothing is left staged afterwards;
- the role page's career links: a publish on one server redraws the pages the other has cached.
"""
import json
import re
import sqlite3
import sys
import threading
import uuid
from urllib.parse import urlencode

import boto3
import pytest
from django.db import connection
from django.test import Client

from roles.blueprint_format.synthetic import make_document
from roles.services.importing import import_document

from ..test_celery_embedded import project_env
from .processes import LoggedProcess, PrivateRedis, WebServer, database_for_subprocesses, free_port, wait_until

SPELLINGS = ("Boss", "boss", "ＢＯＳＳ", " boss ")
WRONG = "Please enter a correct username and password"
LIMIT = 5


def guess(web: WebServer, username: str):
    page = web.post_form("/accounts/login/", {"username": username, "password": "not-the-password"}, cookies={})
    if page.status == 429:
        return "refused", page
    assert page.status == 200 and WRONG in page.text, (page.status, page.text[:500])
    return "checked", page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_check_exactly_the_limit_of_guesses_whatever_the_spelling(tmp_path, started):
    redis = started(PrivateRedis(tmp_path))
    env = project_env(tmp_path, CACHE_URL=redis.url, LOGIN_THROTTLE_USER_LIMIT=str(LIMIT),
                      **database_for_subprocesses(tmp_path))
    nodes = [started(WebServer(env, tmp_path, name=f"web-{n}")) for n in (1, 2)]
    outcomes, start = [], threading.Barrier(len(nodes))

    def browser(web: WebServer, offset: int):
        start.wait()
        for n in range(8):
            outcomes.append(guess(web, SPELLINGS[(n + offset) % len(SPELLINGS)])[0])

    threads = [threading.Thread(target=browser, args=(web, i)) for i, web in enumerate(nodes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(outcomes) == 16
    assert outcomes.count("checked") == LIMIT, outcomes
    for web in nodes:
        for spelling in SPELLINGS:
            verdict, page = guess(web, spelling)
            assert verdict == "refused" and "Too many failed sign-in attempts" in page.text
            assert 0 < int(page.headers["retry-after"]) <= 15 * 60


# ---------- staged uploads and career links ----------

class PrivateS3:
    """moto's S3-compatible server on a free port, with one empty bucket."""

    BUCKET = "blueprint-uploads"
    CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1"}

    def __init__(self, workdir):
        from botocore.config import Config

        self.port = free_port()
        self.server = LoggedProcess("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                                           str(self.port)], env=None, workdir=workdir)
        self.client = boto3.client("s3", endpoint_url=self.url, aws_access_key_id="testing",
                                   aws_secret_access_key="testing", region_name="us-east-1",
                                   config=Config(connect_timeout=1, retries={"max_attempts": 1}))
        wait_until(self._answers, f"answer from moto's S3 server on port {self.port}", logs=[self.server.log_path])
        self.client.create_bucket(Bucket=self.BUCKET)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _answers(self) -> bool:
        try:
            self.client.list_buckets()
            return True
        except Exception:  # noqa: BLE001 - not listening yet
            return False

    def keys(self) -> list[str]:
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=self.BUCKET).get("Contents", [])]

    def stop(self) -> None:
        self.server.stop()


def session_of(user) -> dict[str, str]:
    browser = Client()
    browser.force_login(user)
    return {"sessionid": browser.cookies["sessionid"].value}


def post(web: WebServer, path: str, cookies: dict[str, str], fields: list[tuple[str, str]],
         files: list[tuple[str, bytes]] = ()):
    """Submit the form on `path` as a browser does (CSRF token from the page), files as multipart."""
    page = web.get(path, cookies=cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert page.status == 200 and token, (page.status, page.text[:300])
    cookies = {**cookies, **page.cookies}
    fields = [("csrfmiddlewaretoken", token.group(1)), *fields]
    if not files:
        return web.request("POST", path, cookies=cookies, body=urlencode(fields).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
              f"Content-Type: application/json\r\n\r\n".encode() + data + b"\r\n" for name, data in files]
    return web.request("POST", path, cookies=cookies, body=b"".join([*parts, f"--{boundary}--\r\n".encode()]),
                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def count_rows(tmp_path, table: str) -> int:
    """Rows of a table as the servers see it: the test database (PostgreSQL) or their SQLite file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            return cursor.fetchone()[0]
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_previewed_on_one_server_is_confirmed_on_the_other_and_both_pages_link_the_new_role(
        tmp_path, started, personas):
    doc = make_document("Platform Engineer")
    doc["career"]["next_roles"] = ["Harbor Pilot"]
    platform = import_document(doc, file="platform.json", publish=True)
    previewing, confirming = session_of(personas.admin), session_of(personas.admin)  # two browsers, one admin
    redis, s3 = started(PrivateRedis(tmp_path)), started(PrivateS3(tmp_path))
    database = database_for_subprocesses(tmp_path) or {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    shared = {**database, **PrivateS3.CREDENTIALS, "CACHE_URL": redis.url,
              "UPLOADS_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
              "UPLOADS_STORAGE_OPTIONS": json.dumps({"bucket_name": PrivateS3.BUCKET, "endpoint_url": s3.url})}
    folders = [tmp_path / f"node-{n}" for n in (1, 2)]
    nodes = []
    for folder in folders:
        folder.mkdir()
        nodes.append(started(WebServer(project_env(folder, **shared), folder, name="web")))
    one, two = nodes
    role_page, link = f"/roles/{platform.slug}/", '<a href="/roles/harbor-pilot/">Harbor Pilot</a>'
    for web in nodes:  # each server draws the page and keeps it
        page = web.get(role_page, cookies=previewing)
        assert page.status == 200 and "Harbor Pilot" in page.text and link not in page.text

    files = [(f"{title.lower().replace(' ', '-')}.json", json.dumps(make_document(title)).encode())
             for title in ("Harbor Pilot", "Lighthouse Keeper")]
    preview = post(one, "/import/", previewing, [("action", "preview"), ("publish", "on")], files)
    assert preview.status == 200 and "Confirm import of 2 files" in preview.text, preview.text[:500]
    tokens = re.findall(r'name="token" value="([^"]+)"', preview.text)
    assert len(tokens) == 2 and len(s3.keys()) == 2 and count_rows(tmp_path, "common_stagedupload") == 2

    report = post(two, "/import/", confirming, [("action", "confirm"), *(("token", t) for t in tokens)])
    assert report.status == 200 and "Imported 2 of 2 files." in report.text, report.text[:500]
    assert report.text.count("Created and published") == 2
    assert count_rows(tmp_path, "roles_role") == 3
    assert s3.keys() == [] and count_rows(tmp_path, "common_stagedupload") == 0
    assert all(not (folder / "staged-uploads").exists() for folder in folders)

    for web in nodes:  # the publish on the second server reached the first one's cached page too
        page = web.get(role_page, cookies=previewing)
        assert page.status == 200 and link in page.text
    again = post(one, "/import/", previewing, [("action", "confirm"), *(("token", t) for t in tokens)])
    assert again.status == 302 and count_rows(tmp_path, "roles_role") == 3
