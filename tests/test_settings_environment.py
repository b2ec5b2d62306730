"""Every setting comes from the environment in blueprint/settings.py, and an operator can find each one.

Guards that fail when a new setting is read elsewhere with a hidden default, or added without being listed
in .env.example and the README's production section; plus the behaviour of the e-mail and base-URL settings.
"""
import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["blueprint", "roles", "kpis", "hiring"]
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_json"}


def _settings_variables() -> set[str]:
    """The environment variables blueprint/settings.py reads (the first argument of every env_* call)."""
    tree = ast.parse((ROOT / "blueprint" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in READERS:
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"settings.py line {node.lineno}: name the variable literally"
            names.add(first.value)
    return names


def _manage_shell(code: str, **env) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "EMAIL_"))}
    base.update(DJANGO_SETTINGS_MODULE="blueprint.settings", **env)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=base,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_no_code_reads_a_setting_with_a_hidden_default():
    offenders = []
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            for number, line in enumerate(text.splitlines(), 1):
                if re.search(r"getattr\(\s*settings\s*,", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "declare these in blueprint/settings.py and read settings.X:\n" + "\n".join(offenders)


def test_only_settings_py_reads_the_environment():
    offenders = []
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in {"settings.py", "env.py", "devserver.py"} or "loadtest" in path.parts or "management" in path.parts:
                continue  # the `make run` launcher, benchmarks and the load test start child processes
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"os\.environ(\.get|\[)|os\.getenv\(", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "read the environment in blueprint/settings.py only:\n" + "\n".join(offenders)


def test_every_variable_settings_reads_is_listed_in_env_example_and_the_readme():
    env_example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", env_example, flags=re.M))
    variables = _settings_variables()
    assert {"PORTAL_BASE_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
            "DEFAULT_FROM_EMAIL", "CACHE_URL"} <= variables
    assert sorted(variables - listed) == [], "add these to .env.example"
    assert sorted(name for name in variables if f"`{name}`" not in readme) == [], "add these to the README"


def test_email_comes_from_the_environment():
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, "
            "s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL]))")
    smtp = json.loads(_manage_shell(code, EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525", EMAIL_HOST_USER="mailer",
                                    EMAIL_HOST_PASSWORD="s3cret", EMAIL_USE_TLS="0",
                                    DEFAULT_FROM_EMAIL="Portal <portal@example.com>"))
    assert smtp == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.com", 2525, "mailer", "s3cret",
                    False, "Portal <portal@example.com>"]
    # Nothing set: the console backend, so `make run` never tries to reach a mail server.
    assert json.loads(_manage_shell(code))[0] == "django.core.mail.backends.console.EmailBackend"


def test_portal_base_url_is_required_in_production_and_has_no_trailing_slash():
    code = "from django.conf import settings as s; print(s.PORTAL_BASE_URL)"
    assert _manage_shell(code, PORTAL_BASE_URL="https://portal.example.com/") == "https://portal.example.com"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "PORTAL_"))}
    base.update(DJANGO_SETTINGS_MODULE="blueprint.settings", BLUEPRINT_HTTPS="1", SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS="example.com")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "set PORTAL_BASE_URL" in result.stderr
