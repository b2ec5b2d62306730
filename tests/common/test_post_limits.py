"""common.post_limits: a view takes more form fields than Django's 1,000 only if it says so, and only from a
signed-in user (the editor's large sections are in tests/roles/test_editor_pages.py)."""
from urllib.parse import urlencode

import pytest
from django.test import Client

from ..personas import sign_in

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"
MANY = urlencode([(f"field{i}", "x") for i in range(1500)])


def test_a_signed_in_post_to_a_view_that_takes_many_fields_reaches_the_csrf_check(personas):
    browser = sign_in(Client(enforce_csrf_checks=True), personas.editor)
    response = browser.post("/roles/any-role/edit/kpis/", MANY, content_type=FORM)
    assert response.status_code == 403 and b"CSRF" in response.content  # read, then refused for its missing token


def test_other_views_and_anonymous_posts_keep_djangos_limit(personas):
    browser = sign_in(Client(enforce_csrf_checks=True), personas.editor)
    assert browser.post("/roles/any-role/edit/", MANY, content_type=FORM).status_code == 400
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.get("/accounts/login/")  # a CSRF cookie, so that the check reads the post
    assert anonymous.post("/roles/any-role/edit/kpis/", MANY, content_type=FORM).status_code == 400
