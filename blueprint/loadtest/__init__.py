"""The load test behind `python manage.py bench_load`: a scratch PostgreSQL database (scratch.py) seeded
with an O*NET-sized catalog and a year of KPI data (seed.py), gunicorn serving it (server.py), virtual
users signing in and working through the portal's busiest pages (scenario.py over client.py, knowing
the world from plan.py), and what they measured (stats.py) and what the machine spent on it (cpu.py)."""
