"""Every model has an admin page (a version's content rows on the version's), and versions are read-only there.
The full walk over every admin page is tests/test_admin_immutability.py."""
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from roles.models import BlueprintVersion

from .factories import draft_role, published_role

pytestmark = pytest.mark.django_db


def test_every_portal_model_is_registered_and_its_list_renders(client, personas):
    from django.apps import apps

    from roles.blueprint_format.rows import CONTENT_MODELS

    published_role("Admin Engineer")
    client.force_login(personas.admin)
    version_admin = admin.site._registry[BlueprintVersion]
    for app_label in ("roles", "kpis"):
        for model in apps.get_app_config(app_label).get_models():
            if model in CONTENT_MODELS:
                assert model in {inline.model for inline in version_admin.inlines}, f"{model.__name__} is not shown"
                continue
            assert model in admin.site._registry, f"{model.__name__} has no admin"
            url = reverse(f"admin:{app_label}_{model._meta.model_name}_changelist")
            response = client.get(url)
            assert response.status_code == 200, url
            assert model._meta.verbose_name_plural.lower() in response.content.decode().lower()


def test_versions_are_read_only_in_the_admin_and_a_draft_points_to_the_editor(client, personas):
    published = published_role("Frozen Admin Engineer").published_version
    draft = draft_role("Draft Admin Engineer").versions.get()
    client.force_login(personas.admin)
    frozen_page = client.get(reverse("admin:roles_blueprintversion_change", args=[published.pk])).content.decode()
    draft_page = client.get(reverse("admin:roles_blueprintversion_change", args=[draft.pk])).content.decode()
    assert 'name="_save"' not in frozen_page and 'name="_save"' not in draft_page
    assert "A published version never changes" in frozen_page
    assert reverse("roles:edit", kwargs={"slug": draft.role.slug}) in draft_page
    for version in (published, draft):
        response = client.post(reverse("admin:roles_blueprintversion_change", args=[version.pk]),
                               {"title": "Hacked", "number": version.number})
        assert response.status_code == 403
        version.refresh_from_db()
        assert version.title != "Hacked" and version.revision == 1


def test_a_version_of_2000_kpis_shows_its_first_rows_and_counts_at_the_cost_of_a_small_one(
        client, personas, django_assert_max_num_queries):
    from roles.admin import INLINE_ROWS
    from roles.services.drafts import current_document, save_draft

    small = draft_role("Small Admin Engineer").versions.get()
    big = draft_role("Big Admin Engineer").versions.get()
    doc = current_document(big)
    doc["kpis"] = [{"name": f"KPI {i}", "measures": "", "rationale": "", "target": "", "frequency": ""}
                   for i in range(2000)]
    big = save_draft(version=big, document=doc, by=personas.admin, revision=big.revision)
    client.force_login(personas.admin)
    client.get(reverse("admin:roles_blueprintversion_change", args=[small.pk]))  # caches: session groups, content types
    pages, queries = {}, {}
    for name, version in (("small", small), ("big", big)):
        with django_assert_max_num_queries(40) as captured:
            response = client.get(reverse("admin:roles_blueprintversion_change", args=[version.pk]))
        assert response.status_code == 200
        pages[name], queries[name] = response.content.decode(), len(captured.captured_queries)
    assert queries["big"] == queries["small"], queries
    assert len(re.findall(r'<tr class="form-row[^"]*"\s+id="kpis-\d+"', pages["big"])) == INLINE_ROWS
    assert "KPI 49" in pages["big"] and "KPI 50<" not in pages["big"]
    assert "KPIs: 2,000 · Milestones: " in pages["big"] and "Below, the first 50 of each" in pages["big"]
    assert reverse("roles:version", kwargs={"slug": big.role.slug, "number": big.number}) in pages["big"]
