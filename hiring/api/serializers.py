"""What the hiring API sends and accepts. Input serializers check shapes and types; the rules are checked by
hiring.services, whose errors name the field (see hiring.api.views.HiringAPIView)."""
from rest_framework import serializers

from common.numbers import ApiIntegerField
from hiring.models import Candidate, Interview, Opening, Recommendation, Scorecard
from hiring.services.openings import blueprint_updated_since

TEXT_MAX_LENGTH = 5000


class OpeningSerializer(serializers.ModelSerializer):
    """Load with select_related("role", "version", "hiring_manager") and candidate_count annotated."""

    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role_title = serializers.CharField(source="role.title", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    hiring_manager = serializers.SlugRelatedField(slug_field="username", read_only=True)
    blueprint_updated_since = serializers.SerializerMethodField()
    candidate_count = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="hiring_api:opening-detail")

    class Meta:
        model = Opening
        fields = ["id", "title", "role", "role_title", "version", "status", "blind_mode", "hiring_manager",
                  "blueprint_updated_since", "candidate_count", "created_at", "url"]

    def get_blueprint_updated_since(self, opening) -> bool:
        return blueprint_updated_since(opening)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.CharField()
    reason = serializers.CharField()
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_at = serializers.DateTimeField()


class CandidateSerializer(serializers.ModelSerializer):
    """Load with select_related("decision__decided_by")."""

    decision = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="hiring_api:candidate-detail")
    summary_url = serializers.HyperlinkedIdentityField(view_name="hiring_api:candidate-summary")

    class Meta:
        model = Candidate
        fields = ["id", "opening", "name", "email", "source", "stage", "decision", "created_at", "url", "summary_url"]

    def get_decision(self, candidate) -> dict | None:
        decision = getattr(candidate, "decision", None)
        return DecisionSerializer(decision).data if decision else None


class FocusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dimension = serializers.CharField()


class InterviewSerializer(serializers.ModelSerializer):
    """Load with select_related("interviewer") and prefetch_related("focus_dimensions", "scorecards")."""

    interviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    focus_dimensions = FocusSerializer(many=True, read_only=True)
    scorecard = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="hiring_api:interview-detail")

    class Meta:
        model = Interview
        fields = ["id", "candidate", "stage_name", "interviewer", "starts_at", "ends_at", "focus_dimensions",
                  "scorecard", "url"]

    def get_scorecard(self, interview) -> int | None:
        card = next(iter(interview.scorecards.all()), None)
        return card.pk if card else None


class RatingSerializer(serializers.Serializer):
    dimension = serializers.IntegerField(source="dimension_id")
    dimension_name = serializers.CharField(source="dimension.dimension")
    weight = serializers.CharField(source="dimension.weight")
    rating = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField()


class AmendmentSerializer(serializers.Serializer):
    amended_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    amended_at = serializers.DateTimeField()
    reason = serializers.CharField()
    changes = serializers.SerializerMethodField()

    def get_changes(self, amendment) -> list[str]:
        return amendment.changes.splitlines()


class ScorecardSerializer(serializers.ModelSerializer):
    """Load with selectors.scorecards_with_ratings() (ratings, red flags) and prefetch amendments__amended_by."""

    interviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    candidate = serializers.IntegerField(source="interview.candidate_id", read_only=True)
    stage_name = serializers.CharField(source="interview.stage_name", read_only=True)
    red_flags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    ratings = RatingSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="hiring_api:scorecard-detail")

    class Meta:
        model = Scorecard
        fields = ["id", "interview", "candidate", "stage_name", "interviewer", "status", "recommendation",
                  "key_takeaways", "red_flags", "ratings", "submitted_at", "updated_at", "amendments", "url"]


class RatingWriteSerializer(serializers.Serializer):
    dimension = ApiIntegerField(help_text="A scorecard dimension id of the opening's pinned version.")
    rating = ApiIntegerField(min_value=1, max_value=4, allow_null=True,
                              help_text="1 Does not meet … 4 Strong, or null for “no signal”.")
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH,
                                     help_text="Required (at submission) for ratings of 1 and 4; kept when omitted.")


class ScorecardWriteSerializer(serializers.Serializer):
    """The body of PATCH on a draft: any of these keys; what is not sent is left as it is."""

    ratings = RatingWriteSerializer(many=True, required=False)
    red_flags = serializers.ListField(child=ApiIntegerField(), required=False,
                                      help_text="Ids of the blueprint's red flags, the whole ticked set.")
    key_takeaways = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
