"""python manage.py bench_role_page [--scale N] [--repeat 200]

Times the role page through the whole stack (middleware, session, login check, view, template)
with Django's test Client, first uncached and then cached, against a view that returns the same
bytes through the same middleware and login check. Everything it creates lives in one
transaction that is rolled back at the end, and the cached body it produced is deleted.

Prints name=value lines: role_page_first_ms, role_page_queries_first, role_page_repeat_ms,
role_page_queries_repeat, static_same_bytes_ms, repeat_vs_static_ratio.
"""
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from roles import permissions
from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.rendering import body_cache_key
from roles.services.importing import import_document

STATIC_URL = "/__bench__/static-same-bytes/"
_same_bytes = {"content": b""}


@login_required
def static_same_bytes(request):
    """The baseline: the role page's bytes, with none of its work."""
    return HttpResponse(_same_bytes["content"], content_type="text/html; charset=utf-8")


# Used only while the command runs (override_settings(ROOT_URLCONF=__name__)).
urlpatterns = [
    path(STATIC_URL.strip("/") + "/", static_same_bytes),
    path("", include("blueprint.urls")),
]


class _Rollback(Exception):
    pass


def _timed(client: Client, url: str) -> tuple[float, int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed, len(queries.captured_queries), response.content


class Command(BaseCommand):
    help = "Benchmark the role page (uncached, cached) against a static response of the same bytes."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="blueprint size: 1 ≈ the seed, 10 = ten times")
        parser.add_argument("--repeat", type=int, default=200, help="cached requests to time (median reported)")

    def handle(self, *args, **options):
        results: dict[str, float | int] = {}
        version_id = None
        try:
            with transaction.atomic(), override_settings(ROOT_URLCONF=__name__):
                version_id = self._run(options["scale"], max(options["repeat"], 1), results)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            if version_id is not None:
                cache.delete(body_cache_key(version_id))  # ids may be reused once rolled back
        for name, value in results.items():
            self.stdout.write(f"{name}={value}")

    def _run(self, scale: int, repeat: int, results: dict) -> int:
        title = f"Bench Role Page Scale {scale}"
        result = import_document(make_document(title, slug="bench-role-page-tmp", scale=scale),
                                 file="bench.json", publish=True)
        role = Role.objects.get(slug=result.slug)
        user = get_user_model().objects.create_user("bench-role-page-tmp", password="unused-bench")
        user.groups.add(Group.objects.get_or_create(name=permissions.HR)[0])  # a typical reader, not a superuser
        client = Client()
        client.force_login(user)
        url = role.get_absolute_url()

        cache.delete(body_cache_key(role.published_version_id))
        first_ms, first_queries, content = _timed(client, url)
        _timed(client, url)  # warm-up
        repeats = [_timed(client, url) for _ in range(repeat)]
        _same_bytes["content"] = content
        _timed(client, STATIC_URL)
        statics = [_timed(client, STATIC_URL) for _ in range(repeat)]

        repeat_ms = statistics.median(r[0] for r in repeats)
        static_ms = statistics.median(s[0] for s in statics)
        results.update({
            "scale": scale,
            "page_bytes": len(content),
            "role_page_first_ms": round(first_ms, 2),
            "role_page_queries_first": first_queries,
            "role_page_repeat_ms": round(repeat_ms, 3),
            "role_page_queries_repeat": max(r[1] for r in repeats),
            "static_same_bytes_ms": round(static_ms, 3),
            "repeat_vs_static_ratio": round(repeat_ms / static_ms, 2),
        })
        return role.published_version_id
