"""The scratch PostgreSQL database the load test seeds and serves: created beside the configured one,
marked with what it was seeded with (a comment on the database), so a second run reuses it."""
import json
from urllib.parse import quote

import psycopg
from django.db import connection, connections

MARKER_VERSION = 2  # bumped whenever the seed changes, so an older scratch database is seeded again


def _admin(statement: str, params=()) -> list[tuple]:
    db = connection.settings_dict
    with psycopg.connect(dbname="postgres", host=db["HOST"] or None, port=db["PORT"] or None,
                         user=db["USER"] or None, password=db["PASSWORD"] or None, autocommit=True) as admin:
        cursor = admin.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def exists(name: str) -> bool:
    return bool(_admin("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def create(name: str) -> None:
    drop(name)
    _admin(f"CREATE DATABASE {_quoted(name)}")


def drop(name: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def marker(name: str) -> dict | None:
    """What the database was seeded with, or None when it is not (completely) seeded."""
    rows = _admin("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    try:
        found = json.loads(rows[0][0]) if rows and rows[0][0] else None
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("version") == MARKER_VERSION else None


def mark(name: str, seeded: dict) -> None:
    """Set once seeding has finished, so an interrupted seed is never mistaken for a complete one."""
    text = json.dumps({"version": MARKER_VERSION, **seeded}).replace("'", "''")
    _admin(f"COMMENT ON DATABASE {_quoted(name)} IS '{text}'")


def use(name: str) -> None:
    """Point this process's default connection at `name` (closing the open ones first)."""
    for conn in connections.all():
        conn.close()
    connection.settings_dict["NAME"] = name


def url(name: str) -> str:
    """A DATABASE_URL for `name` with the current connection's host, port and credentials."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(name, safe='')}"


def backend_pids(name: str) -> list[int]:
    """The PostgreSQL backends connected to `name` now."""
    return [pid for (pid,) in _admin("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]
