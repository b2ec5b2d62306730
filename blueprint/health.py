"""GET /healthz: is the database answering and the broker reachable? For load balancers and monitors; no login.

200 {"status": "ok", "database": "ok", "broker": "ok"}; 503 with the failing part(s) named, e.g.
{"status": "error", "database": "ok", "broker": "error: [Errno 111] Connection refused"}.
"""
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

BROKER_TIMEOUT = 2.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return f"error: {exc.__class__.__name__}: {exc}".strip()
    return "ok"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith("filesystem:"):
            return _check_folder()
        from kombu import Connection

        with Connection(url, connect_timeout=BROKER_TIMEOUT,
                        transport_options={"socket_timeout": BROKER_TIMEOUT, "max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}: {exc}".strip()
    return "ok"


def _check_folder() -> str:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folder = Path(options.get("data_folder_in", ""))
    if not folder.is_dir():
        return f"error: broker folder {folder} does not exist"
    fd, name = tempfile.mkstemp(dir=folder, prefix=".healthz-")
    os.close(fd)
    os.unlink(name)
    return "ok"


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
