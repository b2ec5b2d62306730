"""The hiring admin: operators look here, the hiring services write.

Scorecards with their ratings, amendments, decisions and the hiring audit trail are view only: submitting,
amending and deciding are services that check who may, validate and leave an audit row. Openings, candidates
and interviews stay editable for what has no service (a title, a status, contact details, a schedule), but
what ties them to a blueprint version is read-only: an opening's pin moves only by re-pinning on its page
(which carries the draft scorecards over), an interview's focus dimensions come from that pinned version, and
each is created by its service (which pins the version, writes the draft scorecard and the audit row).

Which scorecards an admin lists and opens is hiring.visibility.visible_scorecards, as on every page.
"""
from django.contrib import admin

from common.admin_base import ViewOnlyAdmin
from roles.admin import ViewOnlyInline

from .models import Candidate, DimensionRating, HiringDecision, HiringEvent, Interview, Opening, Scorecard
from .models import ScorecardAmendment
from .visibility import visible_scorecards


class CreatedByServiceAdmin(admin.ModelAdmin):
    """Rows only a service creates (it pins the blueprint version and writes the audit row)."""

    def has_add_permission(self, request):
        return False


@admin.register(Opening)
class OpeningAdmin(CreatedByServiceAdmin):
    list_display = ["title", "role", "version", "hiring_manager", "status", "blind_mode", "created_at"]
    list_filter = ["status", "blind_mode"]
    list_select_related = ["role", "version", "hiring_manager"]
    readonly_fields = ["role", "version"]


@admin.register(Candidate)
class CandidateAdmin(CreatedByServiceAdmin):
    list_display = ["name", "email", "opening", "source", "stage"]
    list_filter = ["stage"]
    search_fields = ["name", "email"]
    list_select_related = ["opening"]
    readonly_fields = ["opening"]


@admin.register(Interview)
class InterviewAdmin(CreatedByServiceAdmin):
    list_display = ["stage_name", "candidate", "interviewer", "starts_at", "ends_at"]
    list_select_related = ["candidate", "interviewer"]
    fields = ["candidate", "interviewer", "stage_name", "starts_at", "ends_at", "focus"]
    readonly_fields = ["candidate", "interviewer", "focus"]

    @admin.display(description="focus dimensions")
    def focus(self, interview: Interview) -> str:
        return ", ".join(d.dimension for d in interview.focus_dimensions.all()) or "all of the scorecard"


class DimensionRatingInline(ViewOnlyInline):
    model = DimensionRating
    fields = ["dimension", "rating", "evidence"]


@admin.register(Scorecard)
class ScorecardAdmin(ViewOnlyAdmin):
    list_display = ["interview", "interviewer", "status", "recommendation", "submitted_at"]
    list_filter = ["status", "recommendation"]
    list_select_related = ["interview", "interviewer"]
    inlines = [DimensionRatingInline]

    def get_queryset(self, request):
        """Someone else's draft is not listed, and its change page says it does not exist."""
        return visible_scorecards(request.user, queryset=super().get_queryset(request))


@admin.register(ScorecardAmendment)
class ScorecardAmendmentAdmin(ViewOnlyAdmin):
    list_display = ["scorecard", "amended_by", "amended_at", "reason"]
    list_select_related = ["scorecard", "amended_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scorecard__in=visible_scorecards(request.user))


@admin.register(HiringDecision)
class HiringDecisionAdmin(ViewOnlyAdmin):
    list_display = ["candidate", "decision", "decided_by", "decided_at"]
    list_select_related = ["candidate", "decided_by"]


@admin.register(HiringEvent)
class HiringEventAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "action", "actor", "opening", "candidate", "note"]
    list_filter = ["action"]
    list_select_related = ["actor", "opening", "candidate"]
