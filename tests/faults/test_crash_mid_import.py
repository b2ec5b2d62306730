"""A crash in the middle of an import leaves nothing half-written.

The fault is injected into the database layer: `CrashAt(n)` (a connection.execute_wrapper) lets the
first n-1 writing statements run and fails the n-th with an OperationalError, as a dropped
connection or a full disk would. Each import is run once to count its writes, then crashed at its
first, middle and last write: every table of the portal must hold what it held before, row for row,
and the same import must then go through. The tests run outside a test transaction, so the imports'
own transactions really commit or roll back. Covered: importing a blueprint (a new role, published, so
the KPI app's metrics are synced in the same transaction; and a new published version of an existing
role, whose rows are updated), a batch through `import_blueprints` (the files before the crash stay,
the crashed one leaves nothing), and restoring a backup with `import_all`.
"""
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import OperationalError, connection, transaction

from blueprint.backup import portal_is_empty
from kpis.models import Metric
from roles.blueprint_format.synthetic import make_document
from roles.models import BlueprintVersion, Role
from roles.services.importing import import_file

from ..kpis.test_rollups import World

WRITES = ("INSERT", "UPDATE", "DELETE")
BACKED_UP = ("roles.", "kpis.", "hiring.", "auth.", "accounts.")  # apps whose rows a backup restores


class CrashAt:
    """Fail the n-th writing statement (never, when n is None); count the writes either way."""

    def __init__(self, n: int | None = None):
        self.n, self.writes = n, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            self.writes += 1
            if self.writes == self.n:
                raise OperationalError(f"injected crash at write {self.n}: server closed the connection")
        return execute(sql, params, many, context)


def count_writes(action) -> int:
    """How many writing statements `action` runs, found by running it and rolling it back."""
    counter = CrashAt()
    with transaction.atomic(), connection.execute_wrapper(counter):
        action()
        transaction.set_rollback(True)
    assert counter.writes > 0
    return counter.writes


def crash_points(writes: int) -> list[int]:
    return sorted({1, writes // 2, writes})


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table of the portal (Django's, Celery beat's, many-to-many tables included)."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values_list())
            for model in apps.get_models(include_auto_created=True)}


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


def assert_crashes_change_nothing(action) -> None:
    for n in crash_points(count_writes(action)):
        before = every_table()
        with connection.execute_wrapper(CrashAt(n)), pytest.raises(OperationalError, match=f"write {n}:"):
            action()
        assert every_table() == before, f"crash at write {n} left rows behind"


def _bytes(document: dict) -> bytes:
    return json.dumps(document).encode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_anywhere_in_importing_a_new_published_role_leaves_every_table_as_it_was(personas, seed_v1_path):
    data = seed_v1_path.read_bytes()

    def importing():
        return import_file("seed.json", data, by=personas.admin, publish=True)

    assert_crashes_change_nothing(importing)
    assert not Role.objects.exists() and not Metric.objects.exists()
    assert importing().action == "created"
    assert Role.objects.get().published_version.number == 1 and Metric.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_anywhere_in_publishing_a_new_version_on_import_leaves_the_published_one(personas):
    document = make_document("Crash Engineer")
    import_file("v1.json", _bytes(document), by=personas.admin, publish=True)
    document["role"]["summary"] += " Revised."
    document["kpis"] = document["kpis"][1:]

    def importing():
        return import_file("v2.json", _bytes(document), by=personas.admin, publish=True)

    assert_crashes_change_nothing(importing)
    assert Role.objects.get().published_version.number == 1
    assert importing().action == "new_version"
    assert list(BlueprintVersion.objects.order_by("number").values_list("number", "status")) == [
        (1, "archived"), (2, "published")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_in_the_middle_of_a_batch_keeps_the_files_before_and_nothing_of_the_crashed_one(tmp_path,
                                                                                                 personas):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.json").write_text(json.dumps(make_document(f"Batch {name.upper()} Engineer")))
    importing_a = lambda: import_file("a.json", (tmp_path / "a.json").read_bytes())  # noqa: E731
    first_file = count_writes(importing_a)
    both = count_writes(lambda: (importing_a(), import_file("b.json", (tmp_path / "b.json").read_bytes())))
    with transaction.atomic():
        importing_a()
        with_a = table_counts()
        transaction.set_rollback(True)

    crash = CrashAt(first_file + (both - first_file) // 2)
    with connection.execute_wrapper(crash), pytest.raises(OperationalError, match="injected crash"):
        call_command("import_blueprints", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert table_counts() == with_a
    assert list(Role.objects.values_list("slug", flat=True)) == ["batch-a-engineer"]

    call_command("import_blueprints", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert sorted(Role.objects.values_list("slug", flat=True)) == ["batch-a-engineer", "batch-b-engineer",
                                                                   "batch-c-engineer"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_anywhere_in_restoring_a_backup_leaves_the_database_empty(tmp_path, personas, seed_v1_path):
    import_file("seed.json", seed_v1_path.read_bytes(), by=personas.admin, publish=True)
    World(personas.admin).load()
    backup = tmp_path / "backup"
    call_command("export_all", str(backup), stdout=StringIO())
    portal = table_counts()
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)

    assert_crashes_change_nothing(lambda: call_command("import_all", str(backup), stdout=StringIO()))
    assert portal_is_empty()
    call_command("import_all", str(backup), stdout=StringIO())
    restored = table_counts()
    assert {label: restored[label] for label in portal if label.startswith(BACKED_UP)} == {
        label: count for label, count in portal.items() if label.startswith(BACKED_UP)}
