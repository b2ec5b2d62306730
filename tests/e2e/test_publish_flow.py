"""In a real browser: an editor changes a KPI target and adds a responsibility, submits; an approver publishes;
HR sees the new target on the role page while the archived version still shows the old one."""
import json
import re

import pytest
from django.conf import settings

from roles.models import FamilyAssignment, Role, VersionStatus
from roles.services.drafts import current_document
from roles.services.importing import import_document
from tests.personas import make_personas

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = settings.BASE_DIR / "fixtures" / "blueprints" / "junior-applied-ai-engineer.json"
SLUG = "junior-applied-ai-engineer"
OLD_TARGET = "75–90% of committed points/tasks completed"
NEW_TARGET = "85–95% of committed points/tasks completed"
NEW_RESPONSIBILITY = "Maintain the offline evaluation harness for every shipped model"


@pytest.fixture
def seeded():
    people = make_personas(password="demo")
    FamilyAssignment.objects.create(user=people.editor, family="Applied AI Engineering")
    import_document(json.loads(SEED.read_text()), file=SEED.name, by=people.admin, publish=True)
    return people


def nav_link(page, name: str):
    return page.locator("nav.editor-nav").get_by_role("link", name=re.compile(name))


def test_edit_submit_publish_and_read(seeded, new_page, sign_in_as, screenshot):
    role = Role.objects.get(slug=SLUG)
    assert current_document(role.published_version)["kpis"][0]["target"] == OLD_TARGET
    responsibilities = role.published_version.responsibilities.count()

    # The editor opens the role, starts a draft and changes a KPI target.
    editor = sign_in_as(new_page(), "editor")
    editor.goto(f"/roles/{SLUG}/")
    editor.get_by_role("link", name="Edit blueprint").click()
    editor.get_by_role("button", name="Start a draft from v1").click()
    editor.wait_for_url(f"**/roles/{SLUG}/edit/")
    assert "Started draft v2 from published v1" in editor.inner_text(".messages")
    screenshot(editor, "editor-overview")

    nav_link(editor, "KPIs and productivity").click()
    editor.wait_for_url("**/edit/kpis/")
    editor.locator('[name="kpis-0-target"]').fill(NEW_TARGET)
    assert "Not saved yet" in editor.inner_text("[data-save-state]")
    editor.locator(".editor-savebar").get_by_role("button", name="Save section").click()
    editor.get_by_text("Saved — revision 2.").wait_for()
    assert "revision 2" in editor.inner_text("#editor-status")  # the header follows the in-place save
    screenshot(editor, "editor-kpis")

    # … and adds a responsibility: "Add responsibility" swaps in a blank row with the cursor in it.
    nav_link(editor, "Core responsibilities").click()
    editor.get_by_role("button", name="Add responsibility").click()
    new_row = editor.locator(f"#responsibilities-row-{responsibilities}")
    new_row.wait_for()
    new_row.locator("select").select_option("technical")
    new_row.locator(f'[name="responsibilities-{responsibilities}-title"]').fill(NEW_RESPONSIBILITY)
    new_row.locator(f'[name="responsibilities-{responsibilities}-detail"]').fill("Keep it green on every merge.")
    new_row.scroll_into_view_if_needed()
    screenshot(editor, "editor-responsibilities-new-row")
    editor.locator(".editor-savebar").get_by_role("button", name="Save section").click()
    editor.get_by_text("Saved — revision 3.").wait_for()

    phone = sign_in_as(new_page(viewport=PHONE), "editor")
    phone.goto(f"/roles/{SLUG}/edit/kpis/")
    screenshot(phone, "editor-kpis-phone")

    # Submit with a change note; the draft becomes read-only.
    editor.get_by_role("link", name="Submit for review").first.click()
    editor.get_by_label("Change note").fill("Raise the sprint reliability target; own the evaluation harness.")
    editor.get_by_role("button", name="Submit for review").click()
    editor.get_by_text("In review — read-only.").wait_for()
    screenshot(editor, "editor-in-review")

    # The approver reviews and publishes.
    approver = sign_in_as(new_page(), "approver")
    approver.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    approver.get_by_role("heading", name=re.compile("Review queue")).wait_for()
    item = approver.locator("article.review-item")
    assert "Raise the sprint reliability target" in item.inner_text()
    screenshot(approver, "review-queue")
    approver_phone = sign_in_as(new_page(viewport=PHONE), "approver")
    approver_phone.goto("/review/")
    screenshot(approver_phone, "review-queue-phone")
    item.get_by_role("link", name="Changes vs v1").click()
    approver.wait_for_url(f"**/roles/{SLUG}/diff/1/2/")
    assert NEW_RESPONSIBILITY in approver.content()
    screenshot(approver, "diff", full_page=False)
    approver.go_back()
    approver.locator("article.review-item").get_by_role("button", name="Publish v2").click()
    approver.get_by_text("Published v2 of Junior Applied AI Engineer. v1 is archived.").wait_for()

    # HR reads the new version; the archived one still says what it said.
    hr = sign_in_as(new_page(), "hr")
    hr.goto(f"/roles/{SLUG}/")
    assert "Edit blueprint" not in hr.content()
    kpis = hr.locator("#kpis")
    assert NEW_TARGET in kpis.inner_text() and OLD_TARGET not in kpis.inner_text()
    assert NEW_RESPONSIBILITY in hr.locator("#responsibilities").inner_text()
    screenshot(hr, "role-page")
    kpis.scroll_into_view_if_needed()
    screenshot(hr, "role-page-kpis")

    response = hr.goto(f"/roles/{SLUG}/versions/1/")
    if response.status == 200:
        assert OLD_TARGET in hr.locator("#kpis").inner_text()
        screenshot(hr, "archived-v1")
    else:  # the history pages are not there for readers: the export of v1 says the same
        exported = hr.request.get(f"/roles/{SLUG}/export.json?version=1").json()
        assert exported["kpis"][0]["target"] == OLD_TARGET

    role.refresh_from_db()
    assert role.published_version.number == 2
    assert role.versions.get(number=1).status == VersionStatus.ARCHIVED
    assert current_document(role.versions.get(number=1))["kpis"][0]["target"] == OLD_TARGET
    assert current_document(role.published_version)["kpis"][0]["target"] == NEW_TARGET


def test_rows_and_saves_work_with_javascript_off(seeded, new_page, sign_in_as, screenshot):
    role = Role.objects.get(slug=SLUG)
    page = sign_in_as(new_page(javascript=False), "editor")
    page.goto(f"/roles/{SLUG}/edit/")
    page.get_by_role("button", name="Start a draft from v1").click()
    page.goto(f"/roles/{SLUG}/edit/tools/")
    first, second = (page.input_value(f'[name="tools-{i}-name"]') for i in (0, 1))
    page.get_by_role("button", name="Move tool 2 up").click()
    assert [page.input_value(f'[name="tools-{i}-name"]') for i in (0, 1)] == [second, first]
    page.get_by_role("button", name="Add tool").click()
    count = role.published_version.tools.count()
    page.locator(f'[name="tools-{count}-name"]').fill("Weights & Biases")
    page.locator(f'[name="tools-{count}-commonality"]').select_option("optional")
    page.locator(f'[name="tools-{count - 1}-name"]').fill("")   # a mistake: a required name emptied
    page.locator(".editor-savebar").get_by_role("button", name="Save section").click()
    assert "Please correct the 1 problem below" in page.inner_text("#error-summary")
    assert page.input_value(f'[name="tools-{count}-name"]') == "Weights & Biases"   # nothing typed is lost
    screenshot(page, "editor-errors-no-js")
    page.locator(f'[name="tools-{count - 1}-name"]').fill("Jupyter")
    page.locator(".editor-savebar").get_by_role("button", name="Save section").click()
    page.get_by_text("Saved “Tools, platforms and software”").wait_for()
    names = [t["name"] for t in current_document(role.versions.get(number=2))["tools"]]
    assert names[:2] == [second, first] and names[-2:] == ["Jupyter", "Weights & Biases"]
