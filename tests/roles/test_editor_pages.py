"""The draft editor: every section as a form, rows added / removed / moved without JavaScript, errors next to
their field with nothing typed lost, edit conflicts, read-only drafts in review, htmx swaps and query counts."""
import html
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from roles.blueprint_format import FormatError
from roles.blueprint_format.sections import SECTIONS
from roles.blueprint_format.spec import ITEM_LISTS, TYPED_LISTS
from roles.forms_editor import MAX_ROWS, SectionForms, post_field_limit, section_parts
from roles.management.commands.bench_diff import reworded_pair
from roles.models import FamilyAssignment, Role, VersionStatus
from roles.services.drafts import current_document, open_or_start_draft, save_draft
from roles.services.importing import import_document
from roles.services.workflow import submit_for_review
from tests.roles.factories import published_role

from ..personas import sign_in

pytestmark = pytest.mark.django_db
FAMILY = "Synthetic Data Engineering"


class FormFields(HTMLParser):
    """What a browser would submit from the editor's section form (without pressing any button)."""

    def __init__(self, form_id: str = "section-form"):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea = self._select = None
        self._first_option = None
        self.disabled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if "disabled" in a and a.get("name"):
            self.disabled.add(a["name"])
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "checkbox"):
            self.data[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.data.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            # Django puts a newline right after <textarea>, which browsers drop.
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def form_fields(response) -> dict:
    parser = FormFields()
    parser.feed(response.content.decode())
    assert parser.data, "no section form on the page"
    return parser.data


def text(response) -> str:
    return html.unescape(response.content.decode())


def section_url(role, anchor: str) -> str:
    return f"/roles/{role.slug}/edit/{anchor}/"


@pytest.fixture
def role(personas):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    return published_role("Synthetic Data Engineer", family=FAMILY)


@pytest.fixture
def draft(role, personas):
    return open_or_start_draft(role=role, by=personas.editor)


@pytest.fixture
def editor(client, personas):
    return sign_in(client, personas.editor)


# ---- opening the editor -----------------------------------------------------------------------------------

def test_get_does_not_create_a_draft_the_start_button_posts(editor, role):
    response = editor.get(f"/roles/{role.slug}/edit/")
    assert response.status_code == 200
    assert "Start a draft from v1" in text(response)
    assert role.versions.count() == 1
    response = editor.post(f"/roles/{role.slug}/edit/", {"action": "start"})
    assert response.status_code == 302
    draft = role.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT
    page = text(editor.get(f"/roles/{role.slug}/edit/"))
    assert "Draft v2 · revision 1" in page and "Started draft v2 from published v1" in page
    editor.post(f"/roles/{role.slug}/edit/", {"action": "start"})
    assert role.versions.count() == 2  # starting again opens the same draft


def test_overview_lists_every_section_and_what_changed_since_published(editor, draft, personas):
    doc = current_document(draft)
    doc["kpis"][0]["target"] = "At most 5% rework"
    doc["responsibilities"].append({"category": "technical", "title": "Own the evaluation harness", "detail": ""})
    save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)
    page = text(editor.get(f"/roles/{draft.role.slug}/edit/"))
    for info in SECTIONS:
        assert f'href="/roles/{draft.role.slug}/edit/{info.anchor}/"' in page
    assert "Changes since published v1" in page
    changes = page[page.index("Changes since published v1"):page.index("How publishing works")]
    assert "KPIs and productivity metrics" in changes and "1 changed" in changes
    assert "Core responsibilities" in changes and "1 added" in changes
    assert "Technical skills" not in changes
    assert "Editor</strong> saved" in page


def test_overview_and_submit_pages_count_reworded_rows_within_the_diff_budget(editor, personas, settings):
    old, new = reworded_pair(150)
    old["role"]["family"] = FAMILY
    import_document(old, publish=True)
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    draft = open_or_start_draft(role=Role.objects.get(slug="bench-diff-engineer"), by=personas.editor)
    doc = current_document(draft)
    doc["responsibilities"] = new["responsibilities"]
    save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)
    for budget, counts in ((None, "150 changed"), (100, "150 removed 150 added")):
        if budget:
            settings.DIFF_MAX_PAIRS = budget
        for page in ("", "submit/"):
            response = editor.get(f"/roles/bench-diff-engineer/edit/{page}")
            changes = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))
            assert f"Core responsibilities {counts}" in changes


@pytest.mark.parametrize("anchor", [info.anchor for info in SECTIONS])
def test_every_section_renders_a_form_with_every_field_of_the_spec(editor, draft, anchor):
    response = editor.get(section_url(draft.role, anchor))
    assert response.status_code == 200
    fields = form_fields(response)
    assert fields["draft"] == "2" and fields["revision"] == "1" and fields["loaded"]
    for part in section_parts(anchor):
        if part.kind == "fields":
            for spec in part.fields:
                assert f"{part.prefix}-{spec.name}" in fields
        else:
            assert f"{part.prefix}-TOTAL_FORMS" in fields
            if int(fields[f"{part.prefix}-TOTAL_FORMS"]):
                for spec in part.fields:
                    assert f"{part.prefix}-0-{spec.name}" in fields, (anchor, spec.name)


def test_enums_are_selects_and_long_text_is_a_textarea(editor, draft):
    page = editor.get(section_url(draft.role, "technical-skills")).content.decode()
    assert re.search(r'<select name="technical_skills-0-tier"', page)
    assert re.search(r'<select name="technical_skills-0-importance"', page)
    assert '<option value="must_have"' in page and ">Must-have</option>" in page
    assert re.search(r'<textarea name="technical_skills-0-description"', page)
    scorecard = editor.get(section_url(draft.role, "hiring")).content.decode()
    assert re.search(r'<select name="hiring_scorecard-0-weight"', scorecard)
    summary = editor.get(section_url(draft.role, "summary")).content.decode()
    assert re.search(r'<select name="role-level"', summary)
    assert re.search(r'<textarea name="role-summary"', summary)
    assert re.search(r'<input type="text" name="role-title"', summary)


# ---- saving -----------------------------------------------------------------------------------------------

def test_saving_a_section_writes_the_draft_and_bumps_its_revision(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    data["kpis-2-target"] = "At least 95% of tasks"
    response = editor.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    draft.refresh_from_db()
    assert draft.revision == 2
    assert current_document(draft)["kpis"][2]["target"] == "At least 95% of tasks"
    assert draft.role.published_version.kpis.all()[2].target != "At least 95% of tasks"  # published untouched
    page = text(editor.get(url))
    assert "Saved “KPIs and productivity metrics” — draft v2, revision 2." in page
    assert draft.audit.filter(action="version.replaced", note="Edited KPIs and productivity metrics").exists()


def test_a_section_with_two_document_keys_saves_both(editor, draft):
    url = section_url(draft.role, "milestones")
    data = form_fields(editor.get(url))
    data["milestones-0-text"] = "Ship the first evaluation report"
    data["success_definition-0-text"] = "Evaluation reports drive decisions"
    assert editor.post(url, data).status_code == 302
    doc = current_document(draft)
    assert doc["milestones"][0]["text"] == "Ship the first evaluation report"
    assert doc["success"]["definition"][0] == "Evaluation reports drive decisions"


def test_role_fields_save_and_the_family_select_offers_only_the_editors_families(editor, draft, personas):
    FamilyAssignment.objects.create(user=personas.editor, family="Data Platform")
    url = section_url(draft.role, "summary")
    response = editor.get(url)
    page = response.content.decode()
    family_select = page[page.index('name="role-family"'):page.index("</select>", page.index('name="role-family"'))]
    assert re.findall(r'<option value="([^"]*)"', family_select) == ["Data Platform", FAMILY]
    data = form_fields(response)
    data.update({"role-title": "Synthetic Data Engineer II", "role-level": "mid",
                 "role-interaction_partners-TOTAL_FORMS": "1", "role_interaction_partners-0-text": "Data science"})
    data["role_interaction_partners-TOTAL_FORMS"] = "1"
    assert editor.post(url, data).status_code == 302
    doc = current_document(draft)
    assert (doc["role"]["title"], doc["role"]["level"], doc["role"]["slug"]) == (
        "Synthetic Data Engineer II", "mid", draft.role.slug)
    assert doc["role"]["interaction_partners"] == ["Data science"]


def test_blank_rows_are_dropped_on_save(editor, draft):
    url = section_url(draft.role, "responsibilities")
    data = form_fields(editor.post(url, {**form_fields(editor.get(url)), "responsibilities-add": "1"}))
    assert data["responsibilities-TOTAL_FORMS"] == "21"
    assert editor.post(url, data).status_code == 302  # the new row's category is chosen, its text is empty
    assert len(current_document(draft)["responsibilities"]) == 20


# ---- rows without JavaScript --------------------------------------------------------------------------------

def test_add_row_re_renders_with_a_blank_row_and_saves_nothing(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    data["kpis-0-target"] = "typed but not saved yet"
    response = editor.post(url, {**data, "kpis-add": "1"})
    assert response.status_code == 200
    fields = form_fields(response)
    assert fields["kpis-TOTAL_FORMS"] == "20" and fields["kpis-19-name"] == ""
    assert fields["kpis-0-target"] == "typed but not saved yet"  # nothing typed is lost
    assert re.search(r'name="kpis-19-name"[^>]*autofocus', response.content.decode())
    assert "Not saved yet" in text(response)
    draft.refresh_from_db()
    assert draft.revision == 1
    fields.update({"kpis-19-name": "Evaluation coverage", "kpis-19-target": "All models"})
    assert editor.post(url, fields).status_code == 302
    assert current_document(draft)["kpis"][19]["name"] == "Evaluation coverage"


def test_move_up_move_down_and_remove_rearrange_the_posted_rows(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    names = [data[f"kpis-{i}-name"] for i in range(19)]
    moved = form_fields(editor.post(url, {**data, "kpis-move-up-3": "1"}))
    assert [moved["kpis-2-name"], moved["kpis-3-name"]] == [names[3], names[2]]
    moved = form_fields(editor.post(url, {**moved, "kpis-move-down-0": "1"}))
    assert [moved["kpis-0-name"], moved["kpis-1-name"]] == [names[1], names[0]]
    removed = form_fields(editor.post(url, {**moved, "kpis-remove-4": "1"}))
    assert removed["kpis-TOTAL_FORMS"] == "18" and names[4] not in [removed[f"kpis-{i}-name"] for i in range(18)]
    draft.refresh_from_db()
    assert draft.revision == 1  # row buttons never save
    assert editor.post(url, removed).status_code == 302
    saved = [k["name"] for k in current_document(draft)["kpis"]]
    assert saved[:4] == [names[1], names[0], names[3], names[2]] and len(saved) == 18


def test_moving_the_first_row_up_changes_nothing(editor, draft):
    url = section_url(draft.role, "tools")
    data = form_fields(editor.get(url))
    assert form_fields(editor.post(url, {**data, "tools-move-up-0": "1"}))["tools-0-name"] == data["tools-0-name"]


# ---- errors ---------------------------------------------------------------------------------------------

def test_errors_show_next_to_the_field_with_a_summary_and_nothing_typed_is_lost(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    data.update({"kpis-3-name": "", "kpis-3-target": "Keep me", "kpis-5-name": "x" * 301,
                 "kpis-7-measures": "Typed elsewhere"})
    response = editor.post(url, data)
    assert response.status_code == 422
    page = text(response)
    assert "Please correct the 2 problems below — nothing was saved." in page
    assert "KPI 4:</strong> KPI is required." in response.content.decode()
    assert "Keep it to 300 characters (it has 301)." in page
    row = page[page.index('id="kpis-row-3"'):page.index('id="kpis-row-4"')]
    assert "editor-row--error" in row and "KPI is required." in row
    fields = form_fields(response)
    assert fields["kpis-3-target"] == "Keep me" and fields["kpis-7-measures"] == "Typed elsewhere"
    draft.refresh_from_db()
    assert draft.revision == 1


def test_an_unknown_choice_is_refused_next_to_its_select(editor, draft):
    url = section_url(draft.role, "tools")
    data = {**form_fields(editor.get(url)), "tools-2-commonality": "sometimes"}
    response = editor.post(url, data)
    assert response.status_code == 422
    row = text(response)[text(response).index('id="tools-row-2"'):]
    assert "Choose one of the listed options." in row[:row.index("</tr>")]


def test_a_validator_error_is_mapped_back_to_its_row_and_field(editor, draft):
    """Errors only the format validator knows (here a control character) land next to the field it names."""
    url = section_url(draft.role, "kpis")
    data = {**form_fields(editor.get(url)), "kpis-2-measures": "bad \x01 byte"}
    response = editor.post(url, data)
    assert response.status_code == 422
    page = text(response)
    row = page[page.index('id="kpis-row-2"'):page.index('id="kpis-row-3"')]
    assert "Contains a control character" in row
    assert "KPI 3, What it measures:" in page


def test_format_errors_for_fields_and_unknown_places(draft):
    forms = SectionForms.from_post("summary", {"role-title": "", "role-family": FAMILY,
                                               "role_interaction_partners-TOTAL_FORMS": "1",
                                               "role_interaction_partners-0-text": "A"})
    forms.is_valid()
    forms.add_format_error(FormatError("role_interaction_partners", "ignored"))
    forms.add_format_error(FormatError("role.interaction_partners[0]", "is odd"))
    forms.add_format_error(FormatError("role.slug", "cannot change"))
    messages = [(e["where"], e["message"]) for e in forms.error_list()]
    assert ("", "role_interaction_partners: Ignored") in messages
    assert ("", "role.slug: Cannot change") in messages
    assert ("Partner 1", "Is odd") in messages
    assert ("Title", "Title is required.") in messages


# ---- conflicts ------------------------------------------------------------------------------------------

def test_a_stale_save_is_refused_with_who_saved_and_what_changed_and_the_input_kept(
        client, editor, draft, personas):
    url = section_url(draft.role, "kpis")
    mine = form_fields(editor.get(url))
    # Meanwhile the admin saves the same section.
    other = sign_in(client.__class__(), personas.admin)
    theirs = form_fields(other.get(url))
    theirs["kpis-0-target"] = "At least 80% committed"
    assert other.post(url, theirs).status_code == 302
    mine["kpis-1-target"] = "My own target"
    response = editor.post(url, mine)
    assert response.status_code == 409
    page = text(response)
    assert "Saved meanwhile by admin." in page and "revision 1 to 2" in page
    conflict = page[page.index('id="conflict"'):page.index("Load the current version")]
    assert "KPI 1" in conflict and "Target" in conflict
    assert re.search(r"<ins>[^<]*committed[^<]*</ins>", response.content.decode())
    assert form_fields(response)["kpis-1-target"] == "My own target"
    assert current_document(draft)["kpis"][0]["target"] == "At least 80% committed"  # theirs is kept
    assert current_document(draft)["kpis"][1]["target"] != "My own target"
    # A plain save conflicts again; "Save mine over theirs" posts the current revision deliberately.
    assert editor.post(url, form_fields(response)).status_code == 409
    assert editor.post(url, {**form_fields(response), "save_over": "2"}).status_code == 302
    doc = current_document(draft)
    assert doc["kpis"][1]["target"] == "My own target"


def test_a_conflict_in_another_section_says_this_one_is_unchanged(client, editor, draft, personas):
    mine = form_fields(editor.get(section_url(draft.role, "tools")))
    doc = current_document(draft)
    doc["kpis"][0]["name"] = "Renamed by the admin"
    save_draft(version=draft, document=doc, by=personas.admin, revision=1)
    response = editor.post(section_url(draft.role, "tools"), mine)
    assert response.status_code == 409
    assert "Nothing changed in this section: they edited other sections." in text(response)


def test_a_form_of_a_draft_that_was_discarded_and_restarted_saves_nothing(editor, draft, personas):
    from roles.services.drafts import discard_draft

    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    discard_draft(version=draft, by=personas.editor)
    fresh = open_or_start_draft(role=draft.role, by=personas.editor)  # v2 again … with revision 1
    fresh.number = 3
    fresh.save(update_fields=["number"])
    data["kpis-0-target"] = "stale form"
    response = editor.post(url, data)
    assert response.status_code == 302
    assert current_document(fresh)["kpis"][0]["target"] != "stale form"


# ---- read-only and htmx ---------------------------------------------------------------------------------

def test_a_draft_in_review_is_read_only_with_a_banner(editor, draft, personas):
    submit_for_review(version=draft, by=personas.editor, note="Ready")
    url = section_url(draft.role, "kpis")
    response = editor.get(url)
    page = text(response)
    assert "In review — read-only." in page and "Change note:</strong> Ready" in page
    assert "Save section" not in page and "kpis-add" not in page
    parser = FormFields()
    parser.feed(response.content.decode())
    assert "kpis-0-name" in parser.disabled
    response = editor.post(url, form_fields(response))
    assert response.status_code == 302
    assert draft.__class__.objects.get(pk=draft.pk).revision == 1


def test_approvers_see_the_draft_read_only_and_cannot_post(client, draft, personas):
    approver = sign_in(client, personas.approver)
    response = approver.get(section_url(draft.role, "kpis"))
    assert response.status_code == 200
    assert "Read-only." in text(response) and "Save section" not in text(response)
    assert approver.post(section_url(draft.role, "kpis"), form_fields(response)).status_code == 403


def test_htmx_row_buttons_and_saves_answer_with_the_form_only(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    response = editor.post(url, {**data, "kpis-remove-0": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert not page.lstrip().startswith("<!doctype") and page.lstrip().startswith("<form")
    assert form_fields(response)["kpis-TOTAL_FORMS"] == "18"
    response = editor.post(url, form_fields(response), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saved — revision 2." in page
    assert 'id="editor-status" hx-swap-oob="true"' in page and "revision 2" in page
    assert form_fields(response)["revision"] == "2"
    assert len(current_document(draft)["kpis"]) == 18


def test_unknown_section_is_404_and_a_missing_draft_sends_to_the_start_page(editor, role):
    assert editor.get(section_url(role, "no-such-section")).status_code == 404
    response = editor.get(section_url(role, "kpis"))
    assert response.status_code == 302 and response["Location"] == f"/roles/{role.slug}/edit/"


# ---- large sections: more than Django's 1,000 fields --------------------------------------------------------

def kpi_rows(count: int) -> list[dict]:
    return [{"name": f"KPI {i}", "measures": f"What KPI {i} counts", "rationale": "", "target": "At least 90%",
             "frequency": "Weekly"} for i in range(count)]


def with_kpis(draft, personas, count: int):
    doc = current_document(draft)
    doc["kpis"] = kpi_rows(count)
    return save_draft(version=draft, document=doc, by=personas.editor, revision=draft.revision)


def post_form(client, url: str, data: dict, **headers):
    """Post as a browser posts the editor's form: urlencoded, the fields in the page's order."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def test_a_section_of_2000_kpis_saves_through_the_csrf_check_and_a_full_list_takes_no_more_rows(draft, personas):
    draft = with_kpis(draft, personas, MAX_ROWS)
    browser = sign_in(Client(enforce_csrf_checks=True), personas.editor)
    url = section_url(draft.role, "kpis")
    data = form_fields(browser.get(url))
    assert len(data) > 10 * 1000 and data["csrfmiddlewaretoken"]
    data["kpis-1999-target"] = "At least 99%"
    response = post_form(browser, url, data)
    assert response.status_code == 302, text(response)[:300]
    kpis = current_document(draft)["kpis"]
    assert len(kpis) == MAX_ROWS and kpis[1999]["target"] == "At least 99%"

    response = post_form(browser, url, {**data, "kpis-add": "1"})
    assert response.status_code == 200
    assert "KPIs has 2,000 rows, the most a list may have." in text(response)
    assert form_fields(response)["kpis-TOTAL_FORMS"] == "2000"


def test_a_list_longer_than_the_editor_takes_is_refused_with_every_row_kept(editor, draft):
    url = section_url(draft.role, "hiring")
    data = form_fields(editor.get(url))
    data["hiring_red_flags-TOTAL_FORMS"] = str(MAX_ROWS + 1)
    data.update({f"hiring_red_flags-{i}-text": f"Red flag {i}" for i in range(MAX_ROWS + 1)})
    response = post_form(editor, url, data)
    assert response.status_code == 422
    assert "Red flags has 2,001 rows; a list may have at most 2,000. Remove 1 and save again." in text(response)
    kept = form_fields(response)
    assert kept["hiring_red_flags-TOTAL_FORMS"] == "2001" and kept["hiring_red_flags-2000-text"] == "Red flag 2000"
    draft.refresh_from_db()
    assert draft.revision == 1


def test_a_post_past_the_field_limit_gets_the_editor_with_an_error_and_the_rows_that_arrived(editor, draft):
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    rows = MAX_ROWS + 100
    data["kpis-TOTAL_FORMS"] = str(rows)
    for i, row in enumerate(kpi_rows(rows)):
        data.update({f"kpis-{i}-{name}": value for name, value in row.items()})
    data["kpis-0-target"] = "Typed, and kept"
    assert len(data) > post_field_limit("kpis")
    response = post_form(editor, url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422  # swapped in place by htmx, like any error of the form
    assert f"This form sent more than {post_field_limit('kpis'):,} fields" in text(response)
    kept = form_fields(response)
    assert kept["kpis-0-target"] == "Typed, and kept" and kept["revision"] == "1" and kept["loaded"]
    assert MAX_ROWS <= int(kept["kpis-TOTAL_FORMS"]) < rows
    draft.refresh_from_db()
    assert draft.revision == 1


def test_a_draft_list_longer_than_the_editor_takes_is_shown_read_only(editor, draft, personas):
    draft = with_kpis(draft, personas, MAX_ROWS + 1)
    response = editor.get(section_url(draft.role, "kpis"))
    page = text(response)
    assert "Shown read-only:</strong> KPIs (2,001 rows) is longer than the editor takes (2,000 rows in a list)." in page
    assert 'name="save"' not in page and 'name="kpis-add"' not in page
    parser = FormFields()
    parser.feed(response.content.decode())
    assert "kpis-2000-name" in parser.disabled
    assert "Submit for review" in page  # the rest of the draft goes on


# ---- query counts ---------------------------------------------------------------------------------------

def test_editor_query_counts_do_not_grow_with_a_ten_times_larger_blueprint(
        client, personas, django_assert_max_num_queries):
    FamilyAssignment.objects.create(user=personas.editor, family=FAMILY)
    sign_in(client, personas.editor)
    counts = {}
    for scale in (1, 10):
        role = published_role(f"Scale {scale} Engineer", family=FAMILY, scale=scale)
        open_or_start_draft(role=role, by=personas.editor)
        cache.clear()
        for page in ("", "kpis/", "technical-skills/", "hiring/"):
            with django_assert_max_num_queries(26) as captured:
                assert client.get(f"/roles/{role.slug}/edit/{page}").status_code == 200
            counts[(scale, page)] = len(captured.captured_queries)
    for page in ("", "kpis/", "technical-skills/", "hiring/"):
        assert counts[(1, page)] == counts[(10, page)], (page, counts)


def test_saving_a_seed_sized_section_costs_a_bounded_number_of_queries(
        editor, draft, django_assert_max_num_queries):
    """The page's share is constant; the rest is services.versions.replace_content rewriting the draft's rows
    (which, on SQLite, batches inserts and the collector's deletes by size)."""
    url = section_url(draft.role, "kpis")
    data = form_fields(editor.get(url))
    with django_assert_max_num_queries(50):
        assert editor.post(url, data).status_code == 302


def test_spec_lists_all_have_an_editor_section():
    edited = {part.path for info in SECTIONS for part in section_parts(info.anchor)}
    assert {spec.path for spec in (*TYPED_LISTS, *ITEM_LISTS)} <= edited
