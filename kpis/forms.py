"""Forms of the KPI pages: the dashboard's filters, one measurement, a CSV upload, a rule, a renamed KPI."""
from django import forms
from django.utils import timezone

from common.numbers import DateField, FloatField
from roles.models import Role

from .charts import period_label
from .csv_parse import COLUMNS, MAX_BYTES
from .models import Grain, Metric, Person, Status, Team
from .targets import KINDS

KIND_LABELS = {"at_least": "At least (low)", "at_most": "At most (high)", "between": "Between (low and high)",
               "equals": "Exactly (low)", "relative": "Relative to baseline (low to high, e.g. +5 to +10 %)",
               "qualitative": "Qualitative (judged, not measured)"}


class PeriodFilterForm(forms.Form):
    """Team, grain and period of a KPI page, for display: the views pick valid values (falling back to
    defaults rather than erroring) and bind them, so the selects show what the page shows."""

    team = forms.ChoiceField(required=False, label="Team")
    grain = forms.ChoiceField(choices=Grain.choices, required=False, label="Period")
    period = forms.ChoiceField(required=False, label="Showing")
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("", "All statuses"), *Status.choices])

    def __init__(self, *args, teams=(), periods=(), grain: str = Grain.WEEK, grains=Grain.choices,
                 with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if teams:
            self.fields["team"].choices = [(t.slug, t.name) for t in teams]
        else:
            del self.fields["team"]
        self.fields["grain"].choices = grains
        if not with_status:
            del self.fields["status"]
        self.fields["period"].choices = [(p.isoformat(), period_label(p, grain)) for p in periods] or [
            ("", "No data yet")]


class MeasurementForm(forms.Form):
    """Record one value of a metric for a person or a team."""

    metric = forms.ModelChoiceField(queryset=Metric.objects.none(), label="KPI", empty_label="Choose a KPI",
                                    help_text="The KPIs of the roles people hold in your teams.")
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Person",
                                    empty_label="Choose a person")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Or a team",
                                  empty_label="None (a person's value)",
                                  help_text="Choose a person, or a team for a value that belongs to the whole team.")
    date = DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="Any day of the period; it is filed under the KPI's week, month or quarter.")
    value = FloatField(label="Value", widget=forms.NumberInput(attrs={"step": "any"}))
    note = forms.CharField(required=False, label="Note", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, metrics, people, teams, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.fields["metric"].label_from_instance = lambda m: f"{m.role.title} — {m.name}"
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name} ({p.email})"
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("team"):
            self.add_error("team", "Choose a person or a team, not both.")
        elif not data.get("person") and not data.get("team") and not self.has_error("person"):
            self.add_error("person", "Choose the person (or the team) this value belongs to.")
        return data

    def raw_row(self) -> dict:
        data = self.cleaned_data
        return {"metric": data["metric"].pk, "email": data["person"].email if data.get("person") else "",
                "team": data["team"].slug if data.get("team") else "", "date": data["date"].isoformat(),
                "value": data["value"], "note": data.get("note", "")}


class CsvUploadForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.none(), label="Role",
                                  help_text="The KPIs in the file's metric column are looked up among this role's.")
    # An empty file is let through so the preview can say what the file should contain.
    file = forms.FileField(label="CSV file", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
                           help_text=f"Columns: {','.join(COLUMNS)}. Up to {MAX_BYTES // 1_048_576} MB.",
                           error_messages={"required": "Choose a CSV file to upload."})

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        if roles.count() == 1:
            self.fields["role"].initial = roles.first()


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, KIND_LABELS[k]) for k in KINDS], label="Rule")
    low = FloatField(required=False, label="Low", widget=forms.NumberInput(attrs={"step": "any"}),
                           help_text="For at least, between, exactly and relative rules.")
    high = FloatField(required=False, label="High", widget=forms.NumberInput(attrs={"step": "any"}),
                            help_text="For at most, between and relative rules.")
    unit = forms.CharField(required=False, max_length=30, label="Unit",
                           help_text="%, ms, days, per week … as it should be shown after the value.")


class RenameForm(forms.Form):
    old = forms.ModelChoiceField(queryset=Metric.objects.none(), label="Retired KPI (keeps its history)",
                                 empty_label=None)
    new = forms.ModelChoiceField(queryset=Metric.objects.none(), label="Is now called", empty_label=None)

    def __init__(self, *args, retired, active, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = retired
        self.fields["new"].queryset = active
