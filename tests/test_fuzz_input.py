"""Fuzz every URL of the authorization matrix with hostile values (issue 11, point 5): no answer may be a 5xx.

Each row of tests/test_authorization_matrix.py is sent by a persona it is meant for (the admin where the
admin may, else the first persona the row lets through), with one of its form fields, JSON leaves or query
parameters replaced by a hostile value: NUL, lone surrogates (as invalid UTF-8 in forms and query strings,
as \\ud800 escapes in JSON), 1e400, NaN, numbers of 25 and 5,000 digits, dates at the ends of the calendar,
non-ASCII digits, direction overrides, deep nesting, markup, and random text. Every example runs in a
savepoint that is rolled back, so each starts from the same world.

Derandomised (the same examples every run) and a few examples per row, so it stays well under a minute.
"""
import json
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .authz_world import SIGNED_IN
from .test_authorization_matrix import ROWS, client_for, world  # noqa: F401 - `world` is the module's fixture

EXAMPLES_PER_ROW = 6
HOSTILE_TEXT = ["\x00", "a\x00b", "\ud800", "x\udfffy", "9" * 5000, "9" * 25, "-9" * 12, "1e400", "NaN", "-Infinity",
                "0001-01-01", "9999-12-31", "2025-02-30", "٣", "１２", "\u202eevil", "a\u200bb", "", " ", "null",
                "<script>alert(1)</script>", "[!" * 300, "../../etc/passwd", "' OR 1=1 --", "%00", "x" * 20_000]
HOSTILE_JSON = ["1e400", "-1e400", "NaN", "Infinity", "9" * 5000, "9" * 25, '"\\u0000"', '"a\\ud800b"', "null", "[]",
                "{}", "true", '"9999-12-31"', '"0001-01-01"', "[" * 3000 + "]" * 3000, '{"a": ' * 200 + "1" + "}" * 200,
                '"' + "x" * 20_000 + '"', "-1", "0", "1.5"]
QUERY_NAMES = ["period", "grain", "team", "q", "version", "page", "page_size", "metric", "scope", "scope_id", "from",
               "to", "format", "role", "status", "family", "level", "person", "source", "active", "o", "p", "next"]
random_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), random_text)
hostile_json = st.one_of(st.sampled_from(HOSTILE_JSON), random_text.map(json.dumps))


def _sender(row) -> str:
    """The persona that gets furthest into the row: the admin, unless the row refuses the admin."""
    def lets_through(persona):
        outcome = row.expect[persona]
        return isinstance(outcome, int) and outcome < 400

    return "admin" if lets_through("admin") else next((p for p in SIGNED_IN if lets_through(p)), "admin")


def _encoded(value: str) -> str:
    # Lone surrogates travel as the invalid UTF-8 a hostile client would send.
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _leaf_paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:3]):
            yield from _leaf_paths(value, (*path, index))


def _json_body(data, path, fragment: str) -> str:
    """`data` as JSON with the value at `path` replaced by the raw JSON `fragment`."""
    marker = "__hostile_value__"
    if not path:
        return fragment
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return json.dumps(data, default=str).replace(json.dumps(marker), fragment, 1)


def _send(client, row, url, world, draw, value: str | None = None):
    """The row's request with hostile values: drawn ones, or `value` (JSON text for JSON bodies) in every
    field, top-level JSON value or query parameter at once."""
    data = row.data(world) if row.data else {}
    headers = row.headers(world) if row.headers else {}
    if row.json:
        if value is None:
            body = _json_body(data, draw(st.sampled_from(list(_leaf_paths(data)))), draw(hostile_json))
        elif isinstance(data, dict) and data:
            body = "{" + ", ".join(f"{json.dumps(k)}: {value}" for k in data) + "}"
        else:
            body = f"[{value}]"
        return client.generic(row.method, url, body, content_type="application/json", **headers)
    if row.method == "GET" or not isinstance(data, dict) or not data:
        if value is None:
            names = draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=4, unique=True))
            values = {name: draw(hostile_text) for name in names}
        else:
            values = dict.fromkeys(QUERY_NAMES, value)
        query = "&".join(f"{name}={_encoded(v)}" for name, v in values.items())
        return client.generic(row.method, f"{url}{'&' if '?' in url else '?'}{query}", **headers)
    fields = sorted(data) if value is not None else draw(st.lists(st.sampled_from(sorted(data)), min_size=1,
                                                                  max_size=3, unique=True))
    hostile = {field: value if value is not None else draw(hostile_text) for field in fields}
    if any(isinstance(v, UploadedFile) for v in data.values()):  # multipart: a hostile file, fields as UTF-8
        for field, text in hostile.items():
            encoded = text.encode("utf-8", "surrogatepass")
            data[field] = (SimpleUploadedFile("hostile.csv", encoded) if isinstance(data[field], UploadedFile)
                           else encoded.decode("utf-8", "replace"))
        return client.post(url, data, **headers)
    data.update(hostile)
    body = "&".join(f"{_encoded(str(k))}={_encoded(str(v))}" for k, v in data.items())
    return client.generic(row.method, url, body, content_type="application/x-www-form-urlencoded", **headers)


# One value of each class, sent in every field at once before the random examples.
SWEEP_TEXT = ["a\x00b", "x\ud800y", "9" * 5000, "9" * 25, "0001-01-01", "9999-12-31", "١٢"]
SWEEP_JSON = ["1e400", "NaN", "9" * 5000, "9" * 25, '"a\\u0000b"', '"x\\ud800y"', "[" * 3000 + "]" * 3000]


def record(row, url, send, failures: list[str], value: str = "") -> None:
    """Send in a savepoint rolled back afterwards; note a 5xx or a view's exception."""
    with transaction.atomic():
        try:
            response = send()
        except Exception as exc:  # noqa: BLE001 - a view's exception is the 500 we are looking for
            failures.append(f"{row.method} {url} [{row.label}] {value[:20]!r}: {type(exc).__name__}: {exc}"[:300])
        else:
            if response.status_code >= 500:
                failures.append(f"{row.method} {url} [{row.label}] {value[:20]!r}: {response.status_code}")
        transaction.set_rollback(True)


def test_no_hostile_value_gets_a_server_error(db, world):  # noqa: F811 - the imported fixture
    failures = []
    for row in ROWS:
        url = row.url.format_map(vars(world))
        client = client_for(world, _sender(row))

        @given(draw=st.data())
        @hypothesis_settings(max_examples=EXAMPLES_PER_ROW, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(draw):
            record(row, url, lambda: _send(client, row, url, world, draw.draw), failures)

        for value in SWEEP_JSON if row.json else SWEEP_TEXT:
            record(row, url, lambda: _send(client, row, url, world, None, value), failures, value)
        run()
    assert not failures, "\n".join(failures)
