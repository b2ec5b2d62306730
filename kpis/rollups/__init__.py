"""The rollup engine: statistics per metric × scope × grain × period, set-based on PostgreSQL
(`postgres`), aggregated in Python on SQLite (`sqlite`), with the shared semantics in `stats`.

kpis.services.rollups.run_rollup is the one entry point: it takes the lock, picks the groups by
the watermark and calls `backend().recompute(...)` inside its transaction.
"""


def backend():
    """The module that recomputes rollups on the default database's engine."""
    from django.db import connection

    from . import postgres, sqlite

    return postgres if connection.vendor == "postgresql" else sqlite
