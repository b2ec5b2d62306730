"""The roles part of the JSON API (/api/v1/): published roles in format v1, versions, drafts and review.

Reads are scoped to the requester here; every write goes through roles.services, so the API obeys the
same permission rules, validation and audit trail as the pages.
"""
