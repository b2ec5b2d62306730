"""Text and numbers people type or files carry, cleaned by one rule wherever they enter.

- Invisible formatting characters are stripped, not refused: bidi embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069) make a title read differently from what it is, and zero-width
  characters (U+200B–U+200D, U+2060, U+FEFF) make two names look alike. Nobody can see them to fix
  them, and they arrive unasked in text pasted from word processors and web pages.
- A name (a person, team, candidate, opening, interview stage) is one line: a line break or any other
  control character is refused, since names go into e-mail headers and CSV rows.
- Numbers are written with the ASCII digits 0–9 only: Python's int() and float() also read "١٢" and
  "１２", which would let a value look like one thing on screen and be stored as another.
"""
import re
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

INVISIBLE = re.compile("[\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# C0 and C1 controls, DEL, and the line and paragraph separators.
NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
WEB_SCHEMES = ("http", "https")


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def single_line(value: str, *, field: str, label: str = "") -> str:
    """`value` without invisible formatting characters and surrounding spaces; ValidationError keyed by
    `field` when it holds a line break or another control character."""
    text = strip_invisible(value or "").strip()
    bad = NOT_IN_A_LINE.search(text)
    if bad:
        what = "a line break" if bad.group() in "\r\n\u2028\u2029" else f"a control character (code {ord(bad.group())})"
        raise ValidationError({field: f"{label or field.replace('_', ' ')} must be one line; it contains {what}"})
    return text


def is_web_address(url: str) -> bool:
    """An absolute http:// or https:// address: never javascript:, data: or a relative path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def ascii_digits(text: str) -> bool:
    """Whether `text` is a non-negative whole number written with 0–9 (str.isdigit() also takes "٣")."""
    return text.isascii() and text.isdigit()


def ascii_page_number(raw: str | None) -> str | None:
    """A ?page= value for Django's Paginator.get_page, which reads "٣" as 3: anything else means the first page."""
    return raw if raw is not None and ascii_digits(raw) else None


class LineField(forms.CharField):
    """A form field for a name: `single_line`'s rule, its message next to the field."""

    def clean(self, value):
        value = super().clean(value)
        try:
            value = single_line(value, field="value", label="This")
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="invalid") from None
        if not value and self.required:  # it held invisible characters only
            raise ValidationError(self.error_messages["required"], code="required")
        return value
