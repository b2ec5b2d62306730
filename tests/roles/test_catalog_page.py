"""The /roles/ catalog: published roles only, search, filters, pagination, empty state, constant queries."""
import re

import pytest

from roles.blueprint_format.synthetic import make_document
from roles.services.importing import import_document
from tests.roles.factories import draft_role, published_role
from ..personas import sign_in

pytestmark = pytest.mark.django_db
ROW_LINK = re.compile(r'<td class="table__title"><a href="/roles/([a-z0-9-]+)/">')


def listed(response) -> list[str]:
    return ROW_LINK.findall(response.content.decode())


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def test_lists_published_roles_only_with_their_count(reader):
    published_role("Harbor Pilot", family="Maritime", level="mid")
    published_role("Lighthouse Keeper", family="Coastal Safety", level="senior")
    draft_role("Secret Draft Engineer")
    response = reader.get("/roles/")
    html = response.content.decode()
    assert listed(response) == ["harbor-pilot", "lighthouse-keeper"]
    assert "2 roles" in html
    assert "Secret Draft Engineer" not in html
    assert "Coastal Safety" in html and "Level: Senior" in html
    assert '<span class="version-tag">v1</span>' in html


def test_search_looks_through_title_family_skills_tools_and_kpi_names(reader):
    doc = make_document("Harbor Pilot", family="Maritime Operations")
    doc["technical_skills"][0]["name"] = "Apache Spark"
    doc["tools"][0]["name"] = "Databricks Workspace"
    doc["kpis"][0]["name"] = "Pipeline freshness"
    import_document(doc, file="pilot.json", publish=True)
    published_role("Lighthouse Keeper", family="Coastal Safety")
    for q in ("harbor pilot", "MARITIME", "spark", "databricks", "freshness"):
        assert listed(reader.get("/roles/", {"q": q})) == ["harbor-pilot"], q
    assert listed(reader.get("/roles/", {"q": "python"})) == ["harbor-pilot", "lighthouse-keeper"]


def test_every_search_term_must_match(reader):
    published_role("Harbor Pilot")
    published_role("Harbor Master")
    assert listed(reader.get("/roles/", {"q": "harbor master"})) == ["harbor-master"]
    assert listed(reader.get("/roles/", {"q": "pilot  harbor"})) == ["harbor-pilot"]
    assert listed(reader.get("/roles/", {"q": "harbor"})) == ["harbor-master", "harbor-pilot"]


def test_family_and_level_filters_combine_with_search(reader):
    published_role("Harbor Pilot", family="Maritime", level="mid")
    published_role("Senior Harbor Pilot", family="Maritime", level="senior")
    published_role("Lighthouse Keeper", family="Coastal Safety", level="senior")
    assert listed(reader.get("/roles/", {"family": "Maritime"})) == ["harbor-pilot", "senior-harbor-pilot"]
    assert listed(reader.get("/roles/", {"level": "senior"})) == ["lighthouse-keeper", "senior-harbor-pilot"]
    assert listed(reader.get("/roles/", {"family": "Maritime", "level": "senior"})) == ["senior-harbor-pilot"]
    assert listed(reader.get("/roles/", {"q": "lighthouse", "level": "mid"})) == []
    html = reader.get("/roles/").content.decode()
    assert '<option value="Maritime">Maritime</option>' in html
    assert '<option value="Coastal Safety">Coastal Safety</option>' in html


def test_unknown_filter_values_are_ignored_rather_than_failing(reader):
    published_role("Data Engineer")
    response = reader.get("/roles/", {"level": "wizard", "family": "Nope", "page": "x"})
    assert response.status_code == 200
    assert listed(response) == ["data-engineer"]


def test_pages_hold_25_roles_and_links_keep_the_filters(reader):
    for i in range(30):
        published_role(f"Engineer {i:02d}", family="Engineering")
    first = reader.get("/roles/", {"family": "Engineering"})
    assert len(listed(first)) == 25
    assert "30 roles" in first.content.decode()
    assert 'href="?family=Engineering&amp;page=2"' in first.content.decode()
    second = reader.get("/roles/", {"family": "Engineering", "page": 2})
    assert listed(second) == [f"engineer-{i:02d}" for i in range(25, 30)]
    assert "26–30 of 30" in second.content.decode()


def test_empty_search_says_so_and_offers_to_clear_filters(reader):
    published_role("Data Engineer")
    html = reader.get("/roles/", {"q": "xyz"}).content.decode()
    assert "No roles match ‘xyz’" in html
    assert '<a class="btn" href="/roles/">Clear filters</a>' in html
    assert "0 roles" in html


def test_empty_state_escapes_the_search_text(reader):
    html = reader.get("/roles/", {"q": "<b>xyz</b>"}).content.decode()
    assert "<b>xyz</b>" not in html
    assert "&lt;b&gt;xyz&lt;/b&gt;" in html


def test_signed_in_users_in_no_group_see_nothing(client, personas):
    published_role("Harbor Pilot")
    client.force_login(personas.outsider)
    response = client.get("/roles/")
    assert response.status_code == 403
    assert "Harbor Pilot" not in response.content.decode()


def test_empty_catalog_invites_admins_to_import(client, personas):
    client.force_login(personas.admin)
    html = client.get("/roles/").content.decode()
    assert "No roles have been published yet" in html
    assert 'href="/import/">Import blueprints</a>' in html


def test_query_count_does_not_grow_with_the_number_of_roles(reader, django_assert_max_num_queries):
    """3 roles and 30 roles cost the same queries; so do 1,000+ (the page reads 25 rows, counts in SQL)."""
    for i in range(3):
        published_role(f"Analyst {i}", family=f"Family {i}")
    with django_assert_max_num_queries(15) as few:
        assert len(listed(reader.get("/roles/", {"q": "analyst"}))) == 3
    for i in range(3, 30):
        published_role(f"Analyst {i}", family=f"Family {i}")
    with django_assert_max_num_queries(15) as many:
        assert len(listed(reader.get("/roles/", {"q": "analyst"}))) == 25
    assert len(few.captured_queries) == len(many.captured_queries)
