"""Typed readers for environment variables: the one place settings come from."""
import json
import os


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name: str, default=None):
    """A JSON value, e.g. a storage's OPTIONS object; `default` when unset or empty."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return json.loads(value)
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from None
