from django.contrib import admin
from django.db.models import Q

from .models import Candidate, DimensionRating, HiringDecision, HiringEvent, Interview, Opening, Scorecard
from .models import ScorecardAmendment, ScorecardStatus


@admin.register(Opening)
class OpeningAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "version", "hiring_manager", "status", "blind_mode", "created_at"]
    list_filter = ["status", "blind_mode"]
    list_select_related = ["role", "version", "hiring_manager"]
    raw_id_fields = ["role", "version"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "opening", "source", "stage"]
    list_filter = ["stage"]
    search_fields = ["name", "email"]
    list_select_related = ["opening"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["stage_name", "candidate", "interviewer", "starts_at", "ends_at"]
    list_select_related = ["candidate", "interviewer"]
    raw_id_fields = ["candidate", "focus_dimensions"]


class DimensionRatingInline(admin.TabularInline):
    model = DimensionRating
    extra = 0
    raw_id_fields = ["dimension"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["interview", "interviewer", "status", "recommendation", "submitted_at"]
    list_filter = ["status", "recommendation"]
    list_select_related = ["interview", "interviewer"]
    raw_id_fields = ["interview", "red_flags"]
    inlines = [DimensionRatingInline]

    def get_queryset(self, request):
        """A draft stays with its interviewer here too, superusers included (hiring.selectors.visible_scorecards):
        someone else's draft is not listed, and its change page says it does not exist."""
        return super().get_queryset(request).filter(Q(status=ScorecardStatus.SUBMITTED) | Q(interviewer=request.user))


@admin.register(ScorecardAmendment)
class ScorecardAmendmentAdmin(admin.ModelAdmin):
    list_display = ["scorecard", "amended_by", "amended_at", "reason"]
    list_select_related = ["scorecard", "amended_by"]


@admin.register(HiringDecision)
class HiringDecisionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "decision", "decided_by", "decided_at"]
    list_select_related = ["candidate", "decided_by"]


@admin.register(HiringEvent)
class HiringEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "opening", "candidate", "note"]
    list_filter = ["action"]
    list_select_related = ["actor", "opening", "candidate"]

    def has_change_permission(self, request, obj=None):
        return False
