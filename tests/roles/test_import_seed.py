"""The reference post imported end to end: the exact counts land in the database, in every source form."""
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from roles.blueprint_format import read_document
from roles.models import Role
from roles.selectors import versions_with_content
from roles.services.importing import import_file

from ..conftest import FIXTURES, SEED_PATH

pytestmark = pytest.mark.django_db
MARKDOWN_SEED = Path(__file__).parent / "data" / "junior-applied-ai-engineer.md"


def _published():
    role = Role.objects.get(slug="junior-applied-ai-engineer")
    return versions_with_content().get(pk=role.published_version_id)


def assert_seed_counts(version):
    assert Counter(r.category for r in version.responsibilities.all()) == {
        "strategic": 3, "operational": 4, "technical": 6, "cross_functional": 3, "governance": 3, "leadership": 1}
    assert version.kpis.count() == 19
    assert Counter(s.tier for s in version.technical_skills.all()) == {
        "must_have": 7, "good_to_have": 6, "advanced": 4, "emerging": 4}
    assert version.soft_skills.count() == 8
    assert version.tools.count() == 38
    horizons = Counter(m.horizon for m in version.milestones.all())
    assert (horizons["30d"], horizons["60d"], horizons["6m"], horizons["12m"]) == (4, 4, 4, 4)
    assert Counter(d.weight for d in version.scorecard.all()) == {"high": 3, "medium": 5}
    items = Counter((i.section, i.group) for i in version.items.all())
    assert sum(n for (section, _), n in items.items() if section == "exercises") == 3
    assert items[("signals", "red_flags")] == 4
    assert sum(n for (section, _), n in items.items() if section == "summary_table") == 10


def test_the_wordpress_seed_imports_with_the_exact_counts():
    out = StringIO()
    call_command("import_blueprints", str(SEED_PATH), "--publish", stdout=out)
    assert "junior-applied-ai-engineer v1: created (WordPress post;" in out.getvalue()
    version = _published()
    assert_seed_counts(version)
    python = version.technical_skills.get(skill__name="Python")
    assert (python.tier, python.importance) == ("must_have", "critical")
    assert python.use.startswith("Build preprocessing, evaluation, inference code")
    assert version.kpis.all()[0].target == "75–90% of committed points/tasks completed"
    assert version.source_published.isoformat() == "2026-04-14"


def test_the_markdown_rendition_and_the_fixture_store_the_same_blueprint_as_the_post():
    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    from_post = read_document(_published())
    Role.objects.all().delete()
    import_file(MARKDOWN_SEED.name, MARKDOWN_SEED.read_bytes(), publish=True)
    from_markdown = read_document(_published())
    assert_seed_counts(_published())
    for key in ("responsibilities", "kpis", "technical_skills", "soft_skills", "tools", "milestones", "hiring"):
        assert from_markdown[key] == from_post[key], key
    fixture = json.loads((FIXTURES / "blueprints" / "junior-applied-ai-engineer.json").read_text())
    assert fixture == from_post


def test_our_markdown_export_reads_back_as_the_same_blueprint():
    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    original = read_document(_published())
    out = StringIO()
    call_command("export_blueprint", "junior-applied-ai-engineer", "--format", "markdown", stdout=out)
    Role.objects.all().delete()
    import_file("exported.md", out.getvalue().encode(), publish=True)
    assert read_document(_published()) == original


def test_reimporting_the_seed_is_a_no_op():
    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    result = import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    assert result.action == "unchanged"
    assert Role.objects.get().versions.count() == 1
