from django import forms

from common.text import LineField


class NewTokenForm(forms.Form):
    name = LineField(max_length=100, label="Name",
                     help_text="What will use it, e.g. “nightly KPI import”: you will see it in this list.")
