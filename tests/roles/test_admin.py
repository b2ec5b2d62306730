"""Every model has an admin page, and frozen versions are read-only there too."""
import pytest
from django.contrib import admin
from django.urls import reverse

from .factories import draft_role, published_role

pytestmark = pytest.mark.django_db


def test_every_portal_model_is_registered_and_its_list_renders(client, personas):
    from django.apps import apps

    published_role("Admin Engineer")
    client.force_login(personas.admin)
    for app_label in ("roles", "kpis"):
        for model in apps.get_app_config(app_label).get_models():
            assert model in admin.site._registry, f"{model.__name__} has no admin"
            url = reverse(f"admin:{app_label}_{model._meta.model_name}_changelist")
            response = client.get(url)
            assert response.status_code == 200, url
            assert model._meta.verbose_name_plural.lower() in response.content.decode().lower()


def test_a_published_version_is_read_only_in_the_admin_but_a_draft_is_editable(client, personas):
    published = published_role("Frozen Admin Engineer").published_version
    draft = draft_role("Draft Admin Engineer").versions.get()
    client.force_login(personas.admin)
    frozen_page = client.get(reverse("admin:roles_blueprintversion_change", args=[published.pk])).content.decode()
    draft_page = client.get(reverse("admin:roles_blueprintversion_change", args=[draft.pk])).content.decode()
    assert 'name="_save"' not in frozen_page and 'name="_save"' in draft_page
    response = client.post(reverse("admin:roles_blueprintversion_change", args=[published.pk]),
                           {"title": "Hacked", "number": 1})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Frozen Admin Engineer"
