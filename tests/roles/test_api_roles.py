"""/api/v1/roles/: the published catalog and a role's published blueprint in format v1."""
import json

import pytest
from rest_framework.test import APIClient

from roles.blueprint_format import read_document
from roles.exporting import export_text, version_for_export
from roles.models import FamilyAssignment, Role
from roles.selectors import versions_with_content
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.workflow import approve, submit_for_review

from .factories import draft_role, published_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_client(personas):
    client = APIClient()
    client.force_login(personas.hr)
    client.get("/api/v1/roles/")  # the first request of a session stores the user's groups in it
    return client


@pytest.fixture
def catalog():
    return {
        "data": published_role("Synthetic Data Engineer", family="Data Engineering", level="junior"),
        "senior_data": published_role("Senior Data Engineer", family="Data Engineering", level="senior"),
        "platform": published_role("Platform Engineer", family="Platform", level="senior"),
    }


def _slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


def test_list_shows_published_roles_with_their_published_version(hr_client, catalog):
    draft_role("Unpublished Analyst", family="Data Engineering")
    response = hr_client.get("/api/v1/roles/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert _slugs(response) == ["platform-engineer", "senior-data-engineer", "synthetic-data-engineer"]
    row = body["results"][2]
    version = catalog["data"].published_version
    assert row == {
        "slug": "synthetic-data-engineer", "title": "Synthetic Data Engineer", "family": "Data Engineering",
        "level": "junior", "version": 1, "published_at": row["published_at"],
        "url": "http://testserver/api/v1/roles/synthetic-data-engineer/",
    }
    assert row["published_at"].startswith(version.published_at.strftime("%Y-%m-%dT%H:%M:%S"))


@pytest.mark.parametrize(("query", "expected"), [
    ("?q=platform", ["platform-engineer"]),
    ("?q=ENGINEER%20senior", ["senior-data-engineer"]),  # every term, case-insensitive
    ("?q=python%200", ["platform-engineer", "senior-data-engineer", "synthetic-data-engineer"]),  # skills too
    ("?q=nothing-like-this", []),
    ("?family=Data%20Engineering", ["senior-data-engineer", "synthetic-data-engineer"]),
    ("?level=senior", ["platform-engineer", "senior-data-engineer"]),
    ("?family=Data%20Engineering&level=senior", ["senior-data-engineer"]),
    ("?q=data&level=junior", ["synthetic-data-engineer"]),
])
def test_list_filters_like_the_catalog_page(hr_client, catalog, query, expected):
    response = hr_client.get(f"/api/v1/roles/{query}")
    assert response.status_code == 200
    assert _slugs(response) == expected


def test_an_unknown_level_is_a_400_that_names_the_parameter(hr_client, catalog):
    response = hr_client.get("/api/v1/roles/?level=wizard")
    assert response.status_code == 400
    assert response.json()["where"] == "level"
    assert response.json()["detail"].startswith("level: ")


def test_list_query_count_does_not_grow_with_the_number_of_roles(hr_client, django_assert_max_num_queries):
    counts = []
    for total in (3, 30):
        while Role.objects.count() < total:
            published_role(f"Role {Role.objects.count():02d} Engineer", family="Data Engineering")
        # session, user, (groups, once a minute: roles.middleware), count, page
        with django_assert_max_num_queries(5) as captured:
            response = hr_client.get("/api/v1/roles/")
        assert response.json()["count"] == total and len(response.json()["results"]) == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_detail_is_the_published_document_exactly(hr_client, catalog):
    role = catalog["data"]
    version = role.published_version
    response = hr_client.get(f"/api/v1/roles/{role.slug}/")
    assert response.status_code == 200
    assert response.json() == read_document(versions_with_content().get(pk=version.pk))
    assert response.json() == json.loads(export_text(version_for_export(role.slug)))
    assert response["X-Blueprint-Version"] == "1"
    assert response["X-Blueprint-Status"] == "published"
    assert response["ETag"] == f'"{version.pk}-r{version.revision}"'
    assert response["Content-Location"] == f"http://testserver/api/v1/versions/{version.pk}/"


def test_detail_follows_the_published_version_and_answers_304_while_it_is_current(hr_client, personas, catalog):
    role = catalog["data"]
    first = hr_client.get(f"/api/v1/roles/{role.slug}/")
    assert hr_client.get(f"/api/v1/roles/{role.slug}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    FamilyAssignment.objects.create(user=personas.editor, family="Data Engineering")
    draft = open_or_start_draft(role=role, by=personas.editor)
    doc = current_document(draft)
    doc["kpis"][0]["target"] = "Under 2% rework"
    draft = save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)
    approve(version=submit_for_review(version=draft, by=personas.editor, note="Tighter"), by=personas.approver)

    second = hr_client.get(f"/api/v1/roles/{role.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["X-Blueprint-Version"] == "2" and second["ETag"] != first["ETag"]
    assert second.json()["kpis"][0]["target"] == "Under 2% rework"
    assert first.json()["kpis"][0]["target"] != "Under 2% rework"


@pytest.mark.parametrize("scale", [1, 5])
def test_detail_query_count_does_not_grow_with_the_blueprint(hr_client, scale, django_assert_max_num_queries):
    role = published_role("Big Data Engineer", scale=scale)
    # session, user, (groups), role + version, then the version with role and users and 8 content tables
    with django_assert_max_num_queries(13):
        assert hr_client.get(f"/api/v1/roles/{role.slug}/").status_code == 200
    # a published version never changes: its document is cached by version id and slug
    with django_assert_max_num_queries(4):
        assert hr_client.get(f"/api/v1/roles/{role.slug}/").status_code == 200


def test_a_role_without_a_published_version_is_not_found(hr_client, catalog):
    role = draft_role("Unpublished Analyst")
    for path in (f"/api/v1/roles/{role.slug}/", "/api/v1/roles/no-such-role/"):
        response = hr_client.get(path)
        assert response.status_code == 404
        assert response.json()["detail"].startswith("no published role with the slug")


def test_unknown_api_paths_answer_json(hr_client, catalog):
    response = hr_client.get("/api/v1/roles")
    assert response.status_code == 404
    assert response.json()["detail"] == "no API endpoint at '/api/v1/roles'; did you mean '/api/v1/roles/'?"
    response = hr_client.get("/api/v1/versions/abc/")
    assert response.status_code == 404 and "no API endpoint" in response.json()["detail"]
