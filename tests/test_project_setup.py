"""How the project is run, tested and shipped: Makefile, README, .ci/run, docker-compose.yml, settings."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "broker": settings.CELERY_BROKER_URL,
    "broker_options": getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "debug": settings.DEBUG, "secret_key": settings.SECRET_KEY, "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def clean_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any service configured, var/ in a temp folder."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(BLUEPRINT_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="blueprint.settings")
    env.update(extra)
    return env


def settings_under(env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def host_of(url: str) -> str:
    # ${VAR:?message} interpolations can hold ':' and '?'; only the host matters here.
    return urlsplit(re.sub(r"\$\{[^}]*\}", "x", url)).hostname


def fenced_blocks(markdown: str) -> list[str]:
    return [block.strip() for block in re.findall(r"^```[\w-]*\n(.*?)^```", markdown, re.M | re.S)]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_postgres_redis_web_worker_and_beat(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_compose_postgres_keeps_its_data_in_a_volume_and_has_a_healthcheck(compose):
    postgres = compose["services"]["postgres"]
    assert any(str(volume).endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_compose_web_migrates_collects_static_and_serves_with_gunicorn(compose):
    command = command_text(compose["services"]["web"])
    assert "migrate" in command and "collectstatic" in command
    assert re.search(r"gunicorn blueprint\.wsgi\b.*0\.0\.0\.0:8000", command)
    assert command.index("migrate") < command.index("gunicorn")


GUNICORN_LIMITS = {"--timeout": 30, "--graceful-timeout": 30, "--keep-alive": 5, "--limit-request-line": 4094,
                   "--limit-request-fields": 100, "--limit-request-field_size": 8190}


def _flags(command: str) -> dict[str, int]:
    return {flag: int(value) for flag, value in re.findall(r"(--[\w-]+)\W+(\d+)", command)}


def test_gunicorn_runs_with_explicit_request_limits_and_timeouts(compose):
    """Issue 11: URL, header and time limits set on purpose, in compose and in the image's default command."""
    dockerfile_cmd = re.search(r"^CMD (\[.*?\])$", (ROOT / "Dockerfile").read_text().replace("\\\n", ""), re.M | re.S)
    for command in (command_text(compose["services"]["web"]), " ".join(json.loads(dockerfile_cmd.group(1)))):
        flags = _flags(command)
        assert {flag: flags.get(flag) for flag in GUNICORN_LIMITS} == GUNICORN_LIMITS, command
    from gunicorn.config import Config

    known = {name for setting in Config().settings.values() for name in setting.cli or ()}
    assert set(GUNICORN_LIMITS) <= known  # spelled as gunicorn spells them


def test_upload_and_body_limits_come_from_the_environment(tmp_path):
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.REQUEST_MAX_BODY_BYTES, "
            "s.UPLOAD_MAX_REQUEST_BYTES, s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.FILE_UPLOAD_MAX_MEMORY_SIZE]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=clean_env(tmp_path, REQUEST_MAX_BODY_BYTES="1000", UPLOAD_MAX_REQUEST_BYTES="9000",
                                        BLUEPRINT_MAX_UPLOAD_BYTES="4000"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [1000, 9000, 4000 + 1024 * 1024, 2_621_440]


@pytest.mark.parametrize("name, subcommand", [("worker", "worker"), ("beat", "beat")])
def test_compose_worker_and_beat_run_celery_for_the_blueprint_app(compose, name, subcommand):
    assert re.match(rf"celery -A blueprint {subcommand}\b", command_text(compose["services"][name]))


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_services_use_postgres_and_redis_by_service_name(compose, name):
    service = compose["services"][name]
    env = environment(service)
    assert {"postgres", "redis"} <= set(service["depends_on"])
    assert env["DATABASE_URL"].startswith("postgres://") and host_of(env["DATABASE_URL"]) == "postgres"
    assert env["REDIS_URL"].startswith("redis://") and host_of(env["REDIS_URL"]) == "redis"
    assert env["DEBUG"] == "0"
    assert re.fullmatch(r"\$\{SECRET_KEY[:?}].*", env["SECRET_KEY"]), "SECRET_KEY must come from .env, not the file"
    # Production (BLUEPRINT_HTTPS) refuses to start without the public address e-mailed links are built from.
    assert re.fullmatch(r"\$\{PORTAL_BASE_URL:\?.*\}", env["PORTAL_BASE_URL"]), "PORTAL_BASE_URL must be required"
    for name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
                 "DEFAULT_FROM_EMAIL"):
        assert env[name].startswith(f"${{{name}"), f"{name} must come from .env"
    assert service["build"] == "." or service["build"]["context"] == "."


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_services_share_one_redis_cache_apart_from_the_broker(compose, name):
    env = environment(compose["services"][name])
    cache, broker = urlsplit(env.get("CACHE_URL", "")), urlsplit(env["REDIS_URL"])
    assert cache.scheme == "redis" and cache.hostname == "redis", "CACHE_URL must name the compose Redis"
    assert cache.path not in ("", "/", broker.path), "the cache needs a Redis database of its own"
    caches = {environment(compose["services"][other])["CACHE_URL"] for other in APP_SERVICES}
    assert caches == {env["CACHE_URL"]}


def test_a_cache_url_gives_every_process_the_fail_soft_redis_cache(tmp_path):
    printed = subprocess.run([sys.executable, "-c", "from django.conf import settings; import json; "
                              "print(json.dumps(settings.CACHES['default']))"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env=clean_env(tmp_path, CACHE_URL="redis://cache.example:6379/1"))
    assert printed.returncode == 0, printed.stderr
    cache = json.loads(printed.stdout.strip().splitlines()[-1])
    assert cache["BACKEND"] == "common.cache.FailSoftRedisCache" and cache["LOCATION"] == "redis://cache.example:6379/1"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


def test_staged_uploads_go_to_the_storage_the_environment_names(tmp_path):
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['uploads']))"

    def uploads(**env):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env=clean_env(tmp_path, **env))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert uploads() == {"BACKEND": "django.core.files.storage.FileSystemStorage",
                         "OPTIONS": {"location": str(tmp_path / "staged-uploads")}}
    s3 = {"bucket_name": "blueprint", "endpoint_url": "https://s3.example.com"}
    assert uploads(UPLOADS_STORAGE_BACKEND="storages.backends.s3.S3Storage", UPLOADS_STORAGE_OPTIONS=json.dumps(s3)) \
        == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3}


def test_dockerfile_installs_the_project_on_python_311_slim_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert re.search(r"^RUN pip install \.", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}


def test_makefile_run_prepares_everything_then_starts_web_worker_and_beat():
    dry_run = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry_run.returncode == 0, dry_run.stderr
    steps = ["manage.py migrate", "manage.py collectstatic", "manage.py load_demo", "blueprint.devserver"]
    positions = [dry_run.stdout.find(step) for step in steps]
    assert -1 not in positions, dry_run.stdout
    assert positions == sorted(positions)


def test_makefile_test_runs_pytest():
    dry_run = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry_run.returncode == 0, dry_run.stderr
    assert re.search(r"python\S* -m pytest", dry_run.stdout)


def test_devserver_starts_web_worker_and_beat_on_host_and_port():
    from blueprint.devserver import commands

    argvs = {name: " ".join(argv) for name, argv in commands("0.0.0.0", "8123").items()}
    assert argvs["web"].endswith("manage.py runserver 0.0.0.0:8123")
    assert "celery -A blueprint worker" in argvs["worker"]
    assert "celery -A blueprint beat" in argvs["beat"]


def test_readme_shows_the_two_commands_in_code_blocks():
    blocks = fenced_blocks((ROOT / "README.md").read_text())
    assert "make run" in blocks
    assert "make test" in blocks


def test_ci_run_is_an_executable_strict_bash_script_that_runs_make_test():
    script = ROOT / ".ci" / "run"
    text = script.read_text()
    assert os.access(script, os.X_OK)
    assert text.startswith("#!/usr/bin/env bash\n") or text.startswith("#!/bin/bash\n")
    assert re.search(r"^set -euo pipefail$", text, re.M)
    # Two legs: PostgreSQL + Redis, then SQLite + the embedded broker with no service variable set, leaving
    # only the tests that need PostgreSQL or Redis (marked `services`) to the first leg.
    legs = re.findall(r"^leg (\w+) (.*?make test.*?)$", text.replace("\\\n", " "), re.M)
    assert [name for name, _ in legs] == ["postgres", "sqlite"], legs
    postgres, sqlite = (command for _, command in legs)
    assert "DATABASE_URL=\"postgres://" in postgres and "REDIS_URL=redis://" in postgres
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        assert f"-u {name}" in sqlite
    assert "-m 'not services'" in sqlite
    syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


# The folder of shared documents beside the clone in a developer's checkout (named through a character class, so
# that this line does not name it), or climbing above ROOT from tests/<app>/.
OUTSIDE = r"\.\./[s]hared|[\"'][s]hared[\"']\s*/|/\s*[\"'][s]hared[\"']|parent\.parent\.parent\.parent|BASE_DIR\)?\.parent\b"


def test_nothing_reads_outside_the_repository():
    """A clone with nothing beside it runs: no code, test or fixture names a path above the project folder."""
    offenders = []
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".yaml", ".yml", ".toml", ".cfg", ".ini"} and path.name not in {"Makefile", "run"}:
            continue
        if any(part in {".git", ".venv", "var", "node_modules", "__pycache__"} for part in path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if path.name != "test_project_setup.py" and re.search(OUTSIDE, line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "copy what these need into the repository:\n" + "\n".join(offenders)


def test_django_system_checks_pass_and_no_migration_is_missing(tmp_path):
    env = clean_env(tmp_path)
    for argv in (["check"], ["makemigrations", "--check", "--dry-run"]):
        done = subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"manage.py {' '.join(argv)}:\n{done.stdout}\n{done.stderr}"


def test_settings_default_to_sqlite_and_the_filesystem_broker_in_the_var_dir(tmp_path):
    settings = settings_under(clean_env(tmp_path))

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(tmp_path / "db.sqlite3")
    assert settings["broker"] == "filesystem://"
    assert settings["broker_options"]["data_folder_in"] == str(tmp_path / "broker")
    # kombu does not create its folders: settings must, before any worker or producer starts.
    assert (tmp_path / "broker" / "processed").is_dir()
    assert settings["debug"] is False


def test_settings_read_database_url_and_redis_url(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://portal:pw@db.internal:5432/portal",
                    REDIS_URL="redis://queue.internal:6379/2")
    settings = settings_under(env)

    assert settings["engine"] == "django.db.backends.postgresql"
    assert (settings["host"], settings["name"]) == ("db.internal", "portal")
    assert settings["broker"] == "redis://queue.internal:6379/2"


def test_settings_celery_broker_url_wins_over_redis_url(tmp_path):
    env = clean_env(tmp_path, REDIS_URL="redis://cache.internal:6379/0",
                    CELERY_BROKER_URL="redis://broker.internal:6379/5")
    assert settings_under(env)["broker"] == "redis://broker.internal:6379/5"


def test_settings_read_debug_secret_key_and_allowed_hosts(tmp_path):
    env = clean_env(tmp_path, DEBUG="1", SECRET_KEY="from-the-environment",
                    ALLOWED_HOSTS="portal.example, intra.example")
    settings = settings_under(env)

    assert settings["debug"] is True
    assert settings["secret_key"] == "from-the-environment"
    assert settings["allowed_hosts"] == ["portal.example", "intra.example"]
