"""Forms of the hiring pages. They check shapes; the rules live in hiring.services, whose ValidationErrors
name the field they concern and are put back next to that field (`add_service_errors`)."""
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from common.numbers import DateTimeField
from common.text import LineField
from roles.models import BlueprintItem, Role, ScorecardDimension
from roles.permissions import INTERVIEWERS

from .models import BlindMode, Decision, Rating, Recommendation
from .services.scorecards import RatingInput

NO_SIGNAL = "none"
RATING_CHOICES = [(str(value), label) for value, label in Rating.choices] + [(NO_SIGNAL, "No signal")]
NEEDS_EVIDENCE = {Rating.DOES_NOT_MEET, Rating.STRONG}
EVIDENCE_RULE = "Evidence is required for a rating of 1 (Does not meet) or 4 (Strong)."
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: keys that are fields go next to them, the rest on top."""
    for key, messages in error.message_dict.items():
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(field, message[:1].upper() + message[1:])


class OpeningForm(forms.Form):
    role = forms.ModelChoiceField(
        queryset=Role.objects.filter(published_version__isnull=False).order_by("title"),
        empty_label="Choose a role…",
        help_text="Only roles with a published blueprint. The opening keeps that version's scorecard even if the "
                  "role is published again.")
    title = LineField(required=False, max_length=200,
                            help_text="What the candidates and the panel see, e.g. “Applied AI Engineer — Platform "
                                      "team”. Defaults to the role's title.")
    blind_mode = forms.ChoiceField(
        choices=BlindMode.choices, initial=BlindMode.AFTER_SUBMIT, widget=forms.RadioSelect,
        label="Blind feedback",
        help_text="When interviewers may read each other's scorecards for a candidate. The hiring manager always "
                  "can.")


class CandidateForm(forms.Form):
    name = LineField(max_length=200)
    email = forms.EmailField(max_length=254, label="E-mail")
    source = LineField(required=False, max_length=100, help_text="Referral, job board, agency …")


class InterviewForm(forms.Form):
    stage_name = LineField(max_length=100, label="Stage", initial="Onsite",
                                 help_text="E.g. “Technical screen”, “Onsite 1”, “Take-home review”.")
    interviewer = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="Choose an interviewer…",
                                         help_text="Members of the Interviewers group.")
    starts_at = DateTimeField(label="Starts", widget=DATETIME_WIDGET)
    ends_at = DateTimeField(label="Ends", widget=DATETIME_WIDGET)
    focus_dimensions = forms.ModelMultipleChoiceField(
        queryset=ScorecardDimension.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Focus dimensions",
        help_text="The part of the rubric this interviewer covers; they can still rate the others.")

    def __init__(self, *args, version_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = (User.objects.filter(groups__name=INTERVIEWERS, is_active=True)
                                               .order_by("first_name", "last_name", "username"))
        self.fields["interviewer"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.get_username()})" if u.get_full_name() else u.get_username())
        self.fields["focus_dimensions"].queryset = ScorecardDimension.objects.filter(version_id=version_id)
        self.fields["focus_dimensions"].label_from_instance = lambda d: d.dimension


class ScorecardForm(forms.Form):
    """One rating and evidence pair per dimension of the pinned version, red flags, take-aways, recommendation.

    Field names: `rating-<dimension id>`, `evidence-<dimension id>`, so that a service error keyed
    `rating-<id>` lands next to its row.
    """

    red_flags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Red flags")
    key_takeaways = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Key take-aways",
                                    help_text="What the hiring manager should know first, in a few sentences.")
    recommendation = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, label="Overall recommendation",
        choices=[(v, label) for v, label in Recommendation.choices if v] + [("", "No decision")])

    def __init__(self, *args, dimensions: list[ScorecardDimension], red_flags: list[BlueprintItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        self.fields["red_flags"].choices = [(str(flag.pk), flag.text) for flag in red_flags]
        for dim in dimensions:
            self.fields[f"rating-{dim.pk}"] = forms.ChoiceField(choices=RATING_CHOICES, required=False,
                                                                widget=forms.RadioSelect, label=dim.dimension)
            self.fields[f"evidence-{dim.pk}"] = forms.CharField(
                required=False, label="Evidence", max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What the candidate said or did"}))

    @staticmethod
    def initial_for(card) -> dict:
        """The form's initial values from a scorecard loaded with its ratings and red flags."""
        initial = {"key_takeaways": card.key_takeaways, "recommendation": card.recommendation,
                   "red_flags": [str(flag.pk) for flag in card.red_flags.all()]}
        for row in card.ratings.all():
            initial[f"rating-{row.dimension_id}"] = NO_SIGNAL if row.rating is None else str(row.rating)
            initial[f"evidence-{row.dimension_id}"] = row.evidence
        return initial

    def ratings(self) -> dict[int, RatingInput]:
        data = self.cleaned_data
        return {dim.pk: RatingInput(None if data.get(f"rating-{dim.pk}") in ("", NO_SIGNAL, None)
                                    else int(data[f"rating-{dim.pk}"]),
                                    data.get(f"evidence-{dim.pk}", ""))
                for dim in self.dimensions}

    def service_kwargs(self) -> dict:
        """Keyword arguments for save_draft / amend."""
        return {"ratings": self.ratings(), "red_flags": [int(pk) for pk in self.cleaned_data["red_flags"]],
                "key_takeaways": self.cleaned_data["key_takeaways"],
                "recommendation": self.cleaned_data["recommendation"]}

    def flag_missing_evidence(self) -> None:
        """Put the evidence rule next to each row rated 1 or 4 without a note (the service refused the card)."""
        for dim_id, given in self.ratings().items():
            if given.rating in NEEDS_EVIDENCE and not given.evidence.strip():
                word = Rating(given.rating).label
                self.add_error(f"evidence-{dim_id}", f"A rating of {given.rating} ({word}) needs an evidence note: "
                                                     "what did the candidate say or do?")

    SECTION_ANCHORS = {"red_flags": "flags-title", "recommendation": "reco-title"}

    def error_links(self) -> list[tuple[str, str, str]]:
        """(anchor, what, message) for each field error, for the summary above the form."""
        names = {dim.pk: dim.dimension for dim in self.dimensions}
        links = []
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            kind, _, dim_id = name.partition("-")
            if kind in ("rating", "evidence") and dim_id.isdigit():
                anchor, what = f"dim-{dim_id}", names.get(int(dim_id), "")
            else:
                anchor, what = self.SECTION_ANCHORS.get(name, f"id_{name}"), self.fields[name].label
            links.extend((anchor, what, message) for message in errors)
        return links

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors next to their fields; its evidence message becomes one error per row."""
        messages = error.message_dict
        if "evidence" in messages:
            self.flag_missing_evidence()
            messages = {k: v for k, v in messages.items() if k != "evidence"}
            if not self.errors:
                self.add_error(None, "Ratings of 1 and 4 need an evidence note.")
        if messages:
            add_service_errors(self, ValidationError(messages))


class AmendForm(ScorecardForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason for the amendment",
                             help_text="Kept in the scorecard's history with what changed.", max_length=2000,
                             error_messages={"required": "Say why the submitted scorecard changes."})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose hire, no hire or hold."})
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                             help_text="Recorded in the audit trail with your name.",
                             error_messages={"required": "Give the reason for the decision."})


class CalibrationFilterForm(forms.Form):
    opening = forms.ChoiceField(required=False, label="Opening")

    def __init__(self, *args, openings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opening"].choices = [("", "All my openings"), *((str(o.pk), o.title) for o in openings)]

    def opening_id(self) -> int | None:
        return int(self.cleaned_data["opening"]) if self.is_valid() and self.cleaned_data["opening"] else None
