"""Signing in and out, the login-required rule, the navigation by role, and the error pages."""
import pytest
from django.template.loader import render_to_string

from tests.roles.factories import published_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/roles/", "/roles/some-role/", "/roles/some-role/export.json", "/import/"])
def test_every_page_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_redirects_to_the_catalog(client, personas):
    client.force_login(personas.hr)
    assert client.get("/")["Location"] == "/roles/"


def test_login_page_looks_like_the_product(client):
    html = client.get("/accounts/login/?next=/roles/").content.decode()
    assert "Sign in to Blueprint portal" in html
    assert "/static/css/portal.css" in html and "/static/img/logo.svg" in html
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html
    assert 'name="next" value="/roles/"' in html
    assert "Please sign in to see that page." in html
    assert "<script>" not in html  # no inline script: a CSP will forbid them


def test_signing_in_lands_on_the_page_asked_for(client, personas):
    response = client.post("/accounts/login/", {"username": "hr", "password": "demo", "next": "/roles/"})
    assert response.status_code == 302 and response["Location"] == "/roles/"
    assert client.get("/roles/").status_code == 200


def test_a_wrong_password_is_explained_and_the_username_kept(client, personas):
    response = client.post("/accounts/login/", {"username": "hr", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert 'value="hr"' in html


def test_sign_out_is_a_post_form_in_the_user_menu(client, personas):
    client.force_login(personas.hr)
    html = client.get("/roles/").content.decode()
    assert '<form method="post" action="/accounts/logout/">' in html
    assert "Signed in as <strong>hr</strong>" in html
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/roles/").status_code == 302


def test_navigation_shows_import_to_admins_and_admin_to_staff_only(client, personas):
    client.force_login(personas.hr)
    html = client.get("/roles/").content.decode()
    assert 'href="/roles/" aria-current="page">Roles</a>' in html
    assert 'href="/import/"' not in html and 'href="/admin/"' not in html
    client.force_login(personas.admin)
    html = client.get("/roles/").content.decode()
    assert '<a href="/import/">Import</a>' in html and '<a href="/admin/">Admin</a>' in html


def test_the_search_box_in_the_top_bar_submits_to_the_catalog(client, personas):
    client.force_login(personas.hr)
    published_role("Harbor Pilot")
    html = client.get("/roles/harbor-pilot/").content.decode()
    assert '<form class="topbar__search" role="search" action="/roles/" method="get">' in html
    assert 'name="q"' in html


def test_404_page_is_in_the_portal_look(client, personas):
    client.force_login(personas.hr)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn’t find that page" in html and "Browse all roles" in html
    assert "Blueprint portal" in html and "/static/css/portal.css" in html


def test_403_page_says_who_to_ask(client, personas):
    client.force_login(personas.outsider)
    html = client.get("/import/").content.decode()
    assert "ask a portal administrator" in html


def test_500_page_renders_without_a_request(client):
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/css/portal.css" in html
