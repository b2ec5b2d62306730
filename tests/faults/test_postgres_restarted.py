"""PostgreSQL restarted under the running portal: the next requests succeed.

The portal keeps its database connection between requests (CONN_MAX_AGE); a restart cuts it. With
CONN_HEALTH_CHECKS on (the default) Django tests a kept connection before a request reuses it and
reconnects, so no request fails; with it off, the first request after the restart fails (500) and
only the next one reconnects — the contrast shows the restart really did cut the connections.

The shared PostgreSQL is never restarted: the test runs a private cluster (initdb into a temp folder,
a free port), copies the migrated test database into it, and serves it with two gunicorns.
"""
import json

import pytest
from django.db import connection

from ..kpis.test_rollup_worker import _database_url
from ..test_celery_embedded import project_env, run_python
from .processes import PrivatePostgres, WebServer

SETUP = """
import json
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as in the tests: fast
from django.test import Client
from accounts.tokens import issue_token
from roles.services.importing import import_file
from tests.personas import make_personas
personas = make_personas()
with open({seed!r}, "rb") as seed:
    import_file("seed.json", seed.read(), by=personas.admin, publish=True)
browser = Client()
browser.force_login(personas.hr)
token = issue_token(user=personas.hr, name="fault test")[1]
print(json.dumps({{"sessionid": browser.cookies["sessionid"].value, "token": token}}))
"""

CLIENT_BACKENDS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = 'portal' "
                   "AND backend_type = 'client backend'")


class Reader:
    """HR reading the portal: the API with a token, pages with a session cookie."""

    def __init__(self, login: dict):
        self.login = login

    def api(self, server: WebServer):
        return server.get("/api/v1/roles/", headers={"Authorization": f"Token {self.login['token']}"})

    def pages(self, server: WebServer) -> dict[str, int]:
        cookies = {"sessionid": self.login["sessionid"]}
        return {path: server.get(path, cookies=cookies).status
                for path in ("/roles/", "/roles/junior-applied-ai-engineer/", "/healthz")}


@pytest.mark.services
@pytest.mark.django_db
def test_the_next_requests_succeed_after_postgresql_restarts_under_the_portal(tmp_path, started, seed_v1_path):
    if connection.vendor != "postgresql":
        pytest.skip("restarting PostgreSQL needs DATABASE_URL=postgres://…: the private cluster is a copy "
                    "of the migrated test database")
    cluster = started(PrivatePostgres())
    cluster.copy_database(_database_url(), "portal")
    env = project_env(tmp_path, DATABASE_URL=cluster.url("portal"), CONN_MAX_AGE="600")
    hr = Reader(json.loads(run_python(SETUP.format(seed=str(seed_v1_path)), env)))
    checked = started(WebServer(env, tmp_path, "web-health-checks"))
    unchecked = started(WebServer({**env, "CONN_HEALTH_CHECKS": "0"}, tmp_path, "web-no-health-checks"))

    for server in (checked, unchecked):
        assert hr.api(server).status == 200
        assert set(hr.pages(server).values()) == {200}
    # Each gunicorn worker kept its connection open between requests.
    assert cluster.psql(CLIENT_BACKENDS).strip() == "2"

    cluster.restart()
    assert cluster.psql(CLIENT_BACKENDS).strip() == "0"

    first = hr.api(checked)
    assert first.status == 200, checked.log[-3000:]
    assert json.loads(first.text)["results"][0]["slug"] == "junior-applied-ai-engineer"
    assert set(hr.pages(checked).values()) == {200}
    assert "Internal Server Error" not in checked.log

    assert hr.api(unchecked).status == 500  # reused the cut connection
    assert hr.api(unchecked).status == 200  # Django dropped it after the error
    assert "Internal Server Error: /api/v1/roles/" in unchecked.log and "OperationalError" in unchecked.log
