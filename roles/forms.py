"""Forms of the catalog filters and the import page."""
from django import forms
from django.conf import settings

from .models import Level

IMPORT_EXTENSIONS = (".json", ".yaml", ".yml", ".html", ".htm", ".md", ".markdown")


class CatalogFilterForm(forms.Form):
    """The catalog's one-row filters. Invalid values are ignored rather than shown as errors."""

    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, skill, tool or KPI"}))
    family = forms.ChoiceField(required=False, label="Family")
    level = forms.ChoiceField(required=False, label="Level", choices=[("", "All levels"), *Level.choices])

    def __init__(self, *args, families: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", "All families"), *((f, f) for f in families)]

    def filters(self) -> dict:
        """The cleaned values, or empty ones for fields that did not validate."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"q": (data.get("q") or "").strip(), "family": data.get("family") or "",
                "level": data.get("level") or ""}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # Per-file problems (empty, too big, not a blueprint) are reported file by file by the
        # import preview, so one bad file never hides the others behind a form error.
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label="Blueprint files",
        help_text="Format v1 JSON or YAML, a WordPress post (JSON), or an HTML or Markdown page of the 20-section "
                  "template. Select several files at once if you like; each may be up to "
                  f"{settings.BLUEPRINT_MAX_UPLOAD_BYTES // 1_048_576} MB.",
        error_messages={"required": "Choose at least one file to import."},
    )
    publish = forms.BooleanField(
        required=False, label="Publish after import",
        help_text="Imported versions become the published version of their role. Leave unticked to create drafts.",
    )
