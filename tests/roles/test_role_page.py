"""The role page: header, the 20 sections in order, constant queries, and the cached body."""
import re

import pytest
from django.core.cache import cache

from roles.blueprint_format.synthetic import make_document
from roles.rendering import SECTIONS, body_cache_key, links_changed
from roles.services.importing import import_document
from tests.roles.factories import draft_role, published_role
from ..personas import sign_in

pytestmark = pytest.mark.django_db
BODY = re.compile(r"<!-- role-body -->(.*)<!-- /role-body -->", re.S)


def body_of(response) -> str:
    match = BODY.search(response.content.decode())
    assert match, "the page has no role body"
    return match.group(1)


def publish(doc: dict, by=None):
    return import_document(doc, file="test.json", by=by, publish=True)


@pytest.fixture
def reader(client, personas):
    return sign_in(client, personas.hr)


def test_header_shows_title_family_level_status_version_and_publisher(reader, personas):
    role = published_role("Platform Engineer", family="Infrastructure", level="senior", by=personas.approver)
    html = reader.get(role.get_absolute_url()).content.decode()
    assert "<h1>Platform Engineer</h1>" in html
    assert "Infrastructure" in html
    assert "Level: Senior" in html and "Status: Published" in html
    assert "Version 1" in html
    assert "by Approver" in html
    for fmt in ("json", "yaml", "md"):
        assert f'href="/roles/{role.slug}/export.{fmt}"' in html
    assert 'data-action="print"' in html
    assert 'media="print"' in html


def test_all_twenty_sections_have_anchors_and_appear_in_order(reader):
    role = published_role("Platform Engineer")
    body = body_of(reader.get(role.get_absolute_url()))
    positions = [body.index(f'<section class="role-section role-section--{anchor}" id="{anchor}"')
                 for anchor, _ in SECTIONS]
    assert len(SECTIONS) == 20
    assert positions == sorted(positions)
    for anchor, title in SECTIONS:
        assert f'href="#{anchor}"' in body, f"table of contents misses {anchor}"
        assert title in body


def test_sections_show_their_content_with_badges(reader):
    role = published_role("Platform Engineer")
    body = body_of(reader.get(role.get_absolute_url()))
    for text in ("KPI 19", "Python 0", "PyTorch 0", "Dimension 8", "Exercise 3", "Category 10", "Responsibility 20",
                 "Stakeholder 1 for", "feeder_roles 1 for", "Red flag 4", "Variant 15", "Partner 5"):
        assert text in body, text
    for label in ("30 days", "60 days", "90 days", "6 months", "12 months", "Long term"):
        assert f'<span class="timeline__label">{label}</span>' in body
    for heading in ("Must-have", "Advanced / differentiating", "Governance, compliance and quality", "Strategic"):
        assert heading in body
    assert "Importance: Critical" in body and "Importance: Optional" in body
    assert "Commonality: Context-specific" in body
    assert "Weight: High" in body and "Weight: Low" in body


def test_signed_in_users_in_no_group_cannot_read_role_pages(client, personas):
    role = published_role("Platform Engineer")
    client.force_login(personas.outsider)
    response = client.get(role.get_absolute_url())
    assert response.status_code == 403
    assert "Platform Engineer" not in response.content.decode()


def test_role_without_a_published_version_gets_a_friendly_404(client, reader, personas):
    role = draft_role("Draft Only Engineer")
    response = reader.get(role.get_absolute_url())
    assert response.status_code == 404
    assert "Draft Only Engineer" not in response.content.decode()  # its drafts are not a reader's business
    assert reader.get("/roles/no-such-role/").status_code == 404
    response = sign_in(client, personas.approver).get(role.get_absolute_url())  # who may see its drafts
    assert response.status_code == 404
    assert "Draft Only Engineer has no published blueprint yet" in response.content.decode()


def test_query_count_is_constant_for_seed_sized_and_ten_times_larger_blueprints(
        reader, django_assert_max_num_queries):
    small = published_role("Small Engineer", scale=1)
    large = published_role("Large Engineer", scale=10)
    counts = {}
    for role in (small, large):
        cache.clear()
        with django_assert_max_num_queries(12) as first:
            assert reader.get(role.get_absolute_url()).status_code == 200
        with django_assert_max_num_queries(4) as repeat:
            assert reader.get(role.get_absolute_url()).status_code == 200
        counts[role.slug] = (len(first.captured_queries), len(repeat.captured_queries))
    assert counts["small-engineer"] == counts["large-engineer"]


def test_second_view_is_served_from_the_cache_with_the_same_body(reader, django_assert_max_num_queries):
    role = published_role("Cached Engineer")
    with django_assert_max_num_queries(12) as first:
        body1 = body_of(reader.get(role.get_absolute_url()))
    assert cache.get(body_cache_key(role.published_version_id)) is not None
    with django_assert_max_num_queries(4) as second:
        body2 = body_of(reader.get(role.get_absolute_url()))
    assert len(second.captured_queries) < len(first.captured_queries)
    assert body1 == body2


def test_a_new_published_version_shows_the_new_content(reader):
    role = published_role("Evolving Engineer", seed=0)
    assert "(variant 0)" in body_of(reader.get(role.get_absolute_url()))
    publish(make_document("Evolving Engineer", seed=1))
    body = body_of(reader.get(role.get_absolute_url()))
    assert "(variant 1)" in body and "(variant 0)" not in body
    assert "Version 2" in reader.get(role.get_absolute_url()).content.decode()


def test_career_roles_link_to_published_roles_with_the_same_title_ignoring_case(reader):
    published_role("Staff Platform Engineer")
    draft_role("Platform Architect")
    doc = make_document("Platform Engineer")
    doc["career"]["next_roles"] = ["staff platform engineer", "Platform Architect", "Unknown Role"]
    doc["career"]["feeder_roles"] = ["STAFF PLATFORM ENGINEER"]
    result = publish(doc)
    body = body_of(reader.get(f"/roles/{result.slug}/"))
    assert body.count('<a href="/roles/staff-platform-engineer/">') == 2
    assert '<a href="/roles/staff-platform-engineer/">staff platform engineer</a>' in body
    assert "<li>Platform Architect</li>" in body  # a draft role is not linked
    assert "<li>Unknown Role</li>" in body


def test_publishing_any_role_redraws_cached_bodies_so_new_career_links_appear(
        reader, django_assert_max_num_queries):
    doc = make_document("Platform Engineer")
    doc["career"]["next_roles"] = ["Staff Platform Engineer"]
    url = f"/roles/{publish(doc).slug}/"
    assert "/roles/staff-platform-engineer/" not in body_of(reader.get(url))
    published_role("Staff Platform Engineer")
    links_changed(sender=None)  # what blueprint_published does once the publish commits
    assert '<a href="/roles/staff-platform-engineer/">' in body_of(reader.get(url))


def test_blueprint_text_is_escaped(reader):
    doc = make_document("Escaping Engineer")
    doc["kpis"][0]["name"] = "<script>alert('kpi')</script>"
    doc["role"]["summary"] = "Bold <b>claims</b> & more"
    result = publish(doc)
    html = reader.get(f"/roles/{result.slug}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;kpi&#x27;)&lt;/script&gt;" in html
    assert "Bold &lt;b&gt;claims&lt;/b&gt; &amp; more" in html


def test_import_notes_and_source_attribution_are_shown(reader):
    doc = make_document("Sourced Engineer")
    doc["notes"] = [{"section": "7) KPIs and Productivity Metrics", "text": "Calibrate targets to team maturity."}]
    doc["source"] = {"url": "https://example.com/roles/sourced", "title": "Sourced Engineer blueprint",
                     "published": "2026-04-14"}
    result = publish(doc)
    html = reader.get(f"/roles/{result.slug}/").content.decode()
    assert 'id="import-notes"' in html and 'href="#import-notes"' in html
    assert "Calibrate targets to team maturity." in html
    assert '<a href="https://example.com/roles/sourced"' in html and "Sourced Engineer blueprint" in html
    assert "14 Apr 2026" in html


def test_page_without_notes_has_no_import_notes_section(reader):
    role = published_role("Plain Engineer")
    assert 'id="import-notes"' not in reader.get(role.get_absolute_url()).content.decode()
