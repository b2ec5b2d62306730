"""Number and date fields for forms, API serializers and API pages that take the ASCII digits only
(common.text).

Django's and DRF's number and date fields, and DRF's page numbers, go through int(), float(),
strptime() or a `\\d` regular expression, all of which read any Unicode digit: "١٢" and "１２" were
accepted as 12, "٢٠٢٦-٠١-٠٥" as a date.
"""
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

ASCII_ONLY = "Write it with the digits 0–9."


def _ascii(value) -> bool:
    return not isinstance(value, str) or value.isascii()


class _AsciiFormField:
    def to_python(self, value):
        if not _ascii(value):
            raise ValidationError(ASCII_ONLY, code="invalid")
        return super().to_python(value)


class IntegerField(_AsciiFormField, forms.IntegerField):
    pass


class FloatField(_AsciiFormField, forms.FloatField):
    pass


class DateField(_AsciiFormField, forms.DateField):
    pass


class DateTimeField(_AsciiFormField, forms.DateTimeField):
    pass


class _AsciiApiField:
    def to_internal_value(self, data):
        if not _ascii(data):
            raise serializers.ValidationError(ASCII_ONLY)
        return super().to_internal_value(data)


class ApiIntegerField(_AsciiApiField, serializers.IntegerField):
    pass


class ApiDateField(_AsciiApiField, serializers.DateField):
    pass


class Pages(PageNumberPagination):
    """The API's pages (settings.REST_FRAMEWORK): ?page= and ?page_size= in the digits 0–9 only."""

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if isinstance(number, str) and not number.isascii():
            raise NotFound(f"page {number!r}: {ASCII_ONLY.lower()}")
        return number

    def get_page_size(self, request):
        if self.page_size_query_param and not request.query_params.get(self.page_size_query_param, "").isascii():
            return self.page_size  # as DRF does for any page size it cannot read
        return super().get_page_size(request)
