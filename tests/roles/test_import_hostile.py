"""Imports that could take a worker down (issue 11, points 2 and 3): YAML aliases expanding without limit,
HTML that html.parser rescans quadratically, nesting that exhausts the stack, Markdown that the link rule
scans for ever. Each is refused with a message naming the line or place, writes nothing, and costs about
what a real page of the same length costs."""
import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from common.models import StagedUpload
from roles.blueprint_format import dumps
from roles.blueprint_format.synthetic import make_document
from roles.importers.html_input import MAX_CHARS as HTML_MAX_CHARS, close_or_escape
from roles.importers.sources import SourceError, read_source
from roles.models import Role
from roles.services.importing import ImportFailure, import_file

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"
SECTIONS = "<h2>Role Summary</h2><p>x</p><h2>Mission</h2><p>y</p><h2>Technical Skills</h2>"


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """~1 KB of YAML whose aliases expand to 9**8 × 30 characters (about 1.3 GB)."""
    lines = ["format: role-blueprint/v1", 'a0: &a0 "' + "lol" * 10 + '"']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nrole: *a8\n"


def test_yaml_aliases_are_refused_naming_the_line_before_anything_expands():
    with pytest.raises(ImportFailure, match=r"YAML: at line 3: aliases \(\*a0\) are not accepted"):
        import_file("laughs.yaml", billion_laughs().encode())
    assert not Role.objects.exists()


def test_the_import_command_refuses_a_billion_laughs_file(tmp_path):
    (tmp_path / "laughs.yaml").write_text(billion_laughs())
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        call_command("import_blueprints", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "laughs.yaml: YAML: at line 3: aliases (*a0) are not accepted" in err.getvalue()
    assert "Traceback" not in err.getvalue() and not Role.objects.exists()


def test_the_import_page_refuses_a_billion_laughs_file_and_keeps_nothing(personas, uploads_storage):
    client = Client()
    client.force_login(personas.admin)
    file = SimpleUploadedFile("laughs.yaml", billion_laughs().encode(), content_type="application/yaml")
    html = client.post("/import/", {"action": "preview", "files": [file]}).content.decode()
    assert "aliases (*a0) are not accepted" in html and "1 failed" in html
    assert not StagedUpload.objects.exists() and not Role.objects.exists()


def test_the_api_takes_no_yaml_at_all(personas):
    from roles.services.drafts import open_or_start_draft
    from tests.roles.factories import published_role

    draft = open_or_start_draft(role=published_role("Yaml Engineer"), by=personas.admin)
    client = Client()
    client.force_login(personas.admin)
    response = client.generic("PUT", f"/api/v1/versions/{draft.pk}/", billion_laughs(), content_type="application/yaml",
                              HTTP_IF_MATCH=f'"{draft.pk}-r{draft.revision}"')
    assert response.status_code == 415


def test_our_own_yaml_exports_hold_no_alias_and_import_again():
    doc = make_document("Shared Rows Engineer")
    shared = {"text": "Same row", "group": "experience"}
    doc["qualifications"] = [shared, shared]  # one object twice: safe_dump would write an anchor and an alias
    text = dumps(doc, "yaml")
    assert "&id" not in text and "*id" not in text
    assert read_source("again.yaml", text.encode()).document["qualifications"] == [shared, shared]


@pytest.mark.parametrize("text, words", [
    ("format: x\nrole: " + "[" * 2000 + "]" * 2000, "YAML: at line 2: nests deeper than 32 levels"),
    ("format: x\nrole: " + "9" * 5000, "YAML: at line 2: a whole number of 5,000 digits is out of range"),
    ('format: x\nrole: {title: "a\\0b"}', "role.title: contains a NUL character"),
    ("format: x\nrole: {weight: .inf}", "role.weight: inf is not a number"),
])
def test_hostile_yaml_values_are_refused_naming_the_place(text, words):
    with pytest.raises(SourceError) as refused:
        read_source("hostile.yaml", text.encode())
    assert str(refused.value).startswith(words)


# ---------- HTML: html.parser's quadratic rescans, nesting ----------

def _seconds(text: str, name: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        try:
            read_source(name, text.encode())
        except SourceError:
            pass
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("unit", ["<a x=", "<a", "<!--", "<?", "<a x='", "</", "<!"])
def test_unclosed_markup_costs_what_a_real_page_of_its_length_costs(seed_post, unit):
    """100 KB of `<a x=` took html.parser 90 s; now every `<` that opens nothing is text before parsing."""
    real = seed_post["content"]["rendered"]
    length = len(real)
    hostile = SECTIONS + (unit * (length // len(unit)))[:length]
    assert _seconds(hostile, "hostile.html") <= 10 * _seconds(real, "real.html")


def test_the_reference_page_passes_the_markup_check_unchanged(seed_post):
    html = seed_post["content"]["rendered"]
    assert close_or_escape(html) == html
    assert close_or_escape("a < b <a x= <b>bold</b> <!-- never closed") == \
        "a &lt; b &lt;a x= <b>bold</b> &lt;!-- never closed"


@pytest.mark.parametrize("nest", ["<div>", "<ul><li>", "<b>"])
def test_deep_nesting_is_refused_naming_the_line(nest):
    with pytest.raises(SourceError, match=r"elements nest more than 64 deep \(<\w+> at line 2\)"):
        read_source("deep.html", (SECTIONS + "\n" + nest * 5000).encode())


def test_html_and_markdown_pages_over_their_limits_are_refused_with_the_numbers():
    with pytest.raises(SourceError, match=r"the HTML page is 300,\d{3} characters; a blueprint page has at most "
                                          r"300,000"):
        read_source("big.html", (SECTIONS + "<p>x</p>" * (HTML_MAX_CHARS // 8)).encode())
    with pytest.raises(SourceError, match="the Markdown page is 300,001 characters, more than the 300,000"):
        read_source("big.md", ("# Role\n\n" + "x" * 299_993).encode())
    with pytest.raises(SourceError, match=r"the Markdown page has too many \[ brackets \(100,000\)"):
        read_source("links.md", ("# Role\n\n" + "[!" * 100_000).encode())


def test_the_reference_page_as_markdown_is_far_inside_the_limits(seed_v1_path):
    from roles.importers.template_markdown import MAX_CHARS, MAX_LINK_WORK
    from roles.markdown_input import link_work

    text = dumps(json.loads(seed_v1_path.read_text()), "markdown")
    assert len(text) * 4 < MAX_CHARS and link_work(text) * 20 < MAX_LINK_WORK
