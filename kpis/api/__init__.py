"""The KPI part of the JSON API (/api/v1/): metrics, measurements (bulk upsert) and rollups.

Reads are scoped to the requester by kpis.permissions (a manager sees their teams, HR and admins
all); writes go through kpis.services (the same checks and all-or-nothing write as the CSV upload).
"""
