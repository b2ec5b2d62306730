"""GET /healthz: is the database answering and the broker reachable? For load balancers and monitors; no login.

200 {"status": "ok", "database": "ok", "broker": "ok"}; 503 with the failing part(s) named, e.g.
{"status": "error", "database": "ok", "broker": "error"}. What went wrong (an exception's text names
internal hosts, ports and paths) is written to the error log, and shown only to signed-in staff:
{"broker": "error: OperationalError: Error 111 connecting to …"}.
"""
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

BROKER_TIMEOUT = 2.0
logger = logging.getLogger(__name__)


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
    for part, outcome in checks.items():
        if outcome != "ok":
            logger.error("healthz: the %s check failed: %s", part, outcome)
    healthy = all(value == "ok" for value in checks.values())
    if not getattr(request.user, "is_staff", False):
        checks = {part: "ok" if outcome == "ok" else "error" for part, outcome in checks.items()}
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
