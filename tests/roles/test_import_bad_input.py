"""Every class of bad input is refused with the file and the place named, and nothing is written.

A crash half-way through an import (a database fault, not bad input) is tests/faults/test_crash_mid_import.py."""
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from roles.blueprint_format.synthetic import make_document
from roles.models import AuditEvent, BlueprintItem, BlueprintVersion, Role, Skill, TechnicalSkill, Tool
from roles.services.importing import ImportFailure, import_file

pytestmark = pytest.mark.django_db


def _snapshot():
    return tuple(m.objects.count() for m in (Role, BlueprintVersion, BlueprintItem, TechnicalSkill, Skill, Tool,
                                             AuditEvent))


def _doc_bytes(mutate) -> bytes:
    doc = make_document("Bad Input Engineer")
    mutate(doc)
    return json.dumps(doc).encode()


def _set(path, value):
    def mutate(doc):
        target = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return mutate


BAD_INPUTS = {
    "invalid JSON": ("broken.json", b'{"format": "role-blueprint/v1", "role": {', "JSON", "line 1"),
    "invalid YAML": ("broken.yaml", b"format: role-blueprint/v1\nrole: [unclosed\n", "YAML", "line"),
    "empty file": ("empty.json", b"   \n", "file", "empty"),
    "binary file": ("image.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file", "binary"),
    "unknown key": ("unknown.json", _doc_bytes(_set("salary_band", "L3")), "document", "unknown key 'salary_band'"),
    "unknown nested key": ("nested.json", _doc_bytes(_set("kpis.0.owner", "me")), "kpis[0]", "unknown key 'owner'"),
    "wrong type": ("type.json", _doc_bytes(_set("kpis.2.name", 42)), "kpis[2].name", "expected text, got a number"),
    "bad enum value": ("enum.json", _doc_bytes(_set("technical_skills.1.tier", "nice_to_have")),
                       "technical_skills[1].tier", "'nice_to_have' is not one of"),
    "empty title": ("title.json", _doc_bytes(_set("role.title", "  ")), "role.title", "must not be empty"),
    "unsafe slug": ("slug.json", _doc_bytes(_set("role.slug", "../../etc/passwd")), "role.slug", "not a safe slug"),
    "list given as a string": ("list.json", _doc_bytes(_set("tools", "Docker, Kubernetes")), "tools",
                               "expected a list, got text"),
    "null row": ("null.json", _doc_bytes(_set("responsibilities.3", None)), "responsibilities[3]",
                 "expected an object, got null"),
    "unknown format version": ("v2.json", _doc_bytes(_set("format", "role-blueprint/v2")), "format",
                               "unsupported format 'role-blueprint/v2'"),
    "not a template HTML page": ("blog.html", b"<html><body><h1>My holiday</h1><p>Sunny.</p></body></html>",
                                 "", "not a role blueprint"),
    "WordPress post without the template": (
        "post.json", json.dumps({"title": {"rendered": "Hello"}, "content": {"rendered": "<p>Just a post</p>"},
                                 "link": "https://example.com/hello", "date": "2026-01-01T00:00:00"}).encode(),
        "", "not a role blueprint"),
    "JSON of another kind": ("other.json", b'{"name": "not a blueprint"}', "document", "neither format v1"),
    "top-level list": ("list-top.json", b'[{"format": "role-blueprint/v1"}]', "document", "neither format v1"),
    "slug too long": ("long.json", _doc_bytes(_set("role.slug", "a" * 151)), "role.slug", "at most 150"),
    "YAML scalar": ("scalar.yaml", b"just a sentence\n", "document", "YAML must hold"),
    "bad date": ("date.json", _doc_bytes(_set("source", {"url": "https://x.org", "published": "yesterday"})),
                 "source.published", "not a date"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_refused_with_file_and_place_named_and_nothing_written(case):
    name, data, where, message = BAD_INPUTS[case]
    before = _snapshot()
    with pytest.raises(ImportFailure) as excinfo:
        import_file(name, data)
    error = excinfo.value
    assert error.file == name
    assert where in error.where
    assert message in str(error)
    assert _snapshot() == before


def test_sixty_megabyte_file_is_refused_by_the_command_without_reading_it(tmp_path, capsys):
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:
        handle.seek(60 * 1024 * 1024 - 1)
        handle.write(b"\0")
    before = _snapshot()
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        call_command("import_blueprints", str(big))
    err = capsys.readouterr().err
    assert "huge.json" in err and "60.0 MB" in err and "limit is 5 MB" in err
    assert _snapshot() == before


def test_sixty_megabyte_upload_is_refused_by_the_service():
    with pytest.raises(ImportFailure, match="60.0 MB; the limit is 5 MB"):
        import_file("huge.json", b" " * (60 * 1024 * 1024))


def test_a_failing_file_does_not_stop_the_others_and_the_command_exits_nonzero(tmp_path, capsys):
    good = tmp_path / "a-good.json"
    good.write_text(json.dumps(make_document("Good Engineer")))
    bad = tmp_path / "b-bad.yaml"
    bad.write_text(yaml.safe_dump({"format": "role-blueprint/v1", "role": {"title": ""}}))
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import_blueprints", str(tmp_path))
    captured = capsys.readouterr()
    assert "b-bad.yaml: role.title: must not be empty" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert list(Role.objects.values_list("slug", flat=True)) == ["good-engineer"]


def test_a_null_role_and_a_nul_character_are_refused():
    before = _snapshot()
    with pytest.raises(ImportFailure, match="role: missing"):
        import_file("null-role.json", b'{"format": "role-blueprint/v1", "role": null}')
    with pytest.raises(ImportFailure, match="role: expected an object, got a list"):
        import_file("list-role.json", b'{"format": "role-blueprint/v1", "role": []}')
    with pytest.raises(ImportFailure, match=r"kpis\[0\].name: contains a NUL character"):
        import_file("nul.json", _doc_bytes(_set("kpis.0.name", "KPI\x00one")))
    assert _snapshot() == before
