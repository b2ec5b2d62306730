"""The hiring part of the JSON API (/api/v1/): openings, candidates, interviews, scorecards, summaries.

Every queryset is scoped to the requester (hiring.api.access) and every write goes through hiring.services,
so the API obeys the same rules as the pages: blind feedback, only the assigned interviewer fills a card,
candidate details for the opening's hiring team only.
"""
