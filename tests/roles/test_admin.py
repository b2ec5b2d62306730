"""Every model has an admin page (a version's content rows on the version's), and versions are read-only there.
The full walk over every admin page is tests/test_admin_immutability.py."""
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
