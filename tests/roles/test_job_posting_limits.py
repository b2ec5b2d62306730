"""The job posting's Markdown is parsed in bounded time (issue 11, point 2): `'[!' * 49995` took 8 s a request.

Postings are limited to 20,000 characters and to a budget of link brackets per paragraph length; within those
limits the worst inputs we know render within a generous multiple of the longest plain posting allowed,
measured in the same test (no absolute wall-clock bound)."""
import time

import pytest
from django.urls import reverse

from roles.job_posting import MAX_CHARS, markdown_to_html, posting_problem
from roles.markdown_input import link_work
from tests.roles.factories import published_role

from ..personas import sign_in

PROSE = "We are hiring a data engineer. You will build *pipelines*, see [the docs](https://example.com/docs).\n"


def _at_length(unit: str, length: int = MAX_CHARS) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _best_of_three(text: str) -> float:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        markdown_to_html(text)
        timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.django_db
def test_the_quadratic_posting_is_refused_with_a_400_naming_the_field(client, personas):
    role = published_role("Applied AI Engineer")
    sign_in(client, personas.hr)
    url = reverse("roles:job_posting", kwargs={"slug": role.slug})
    for text, words in (("[!" * 49995, "is 99,990 characters, more than the 20,000 allowed"),
                        ("[!" * 9000, "has too many [ brackets (9,000)")):
        response = client.post(url, {"text": text, "action": "preview"})
        page = response.content.decode()
        assert response.status_code == 400 and f"The posting {words}" in page, page[:2000]
        assert 'id="id_text"' in page and "field__error" in page
        assert client.post(url, {"text": text, "action": "html"}).status_code == 400


def test_real_postings_are_far_inside_the_limits():
    posting = "# Data Engineer\n\n" + "\n\n".join([PROSE * 6] * 12)
    assert len(posting) < MAX_CHARS / 2 and posting_problem(posting) is None
    assert link_work(posting) < 2_000_000 / 20


@pytest.mark.parametrize("unit", ["[!", "![", "!![#~#", "\n-_", "_a", "[](", "*a ", "<a", "&#", "> ["])
def test_the_worst_inputs_allowed_render_within_a_multiple_of_the_longest_plain_posting(unit):
    text = _at_length(unit)
    while posting_problem(text):  # cut it down to what the page accepts
        text = text[: int(len(text) * 0.8)]
    baseline = _best_of_three(_at_length(PROSE))  # ~0.05 s here; the worst inputs take up to ~7 times that
    assert _best_of_three(text) <= 20 * baseline, unit


def test_the_parser_runs_without_linkify_or_raw_html():
    from roles.job_posting import _MARKDOWN

    assert _MARKDOWN.options["linkify"] is False and _MARKDOWN.options["html"] is False
    assert _MARKDOWN.options["maxNesting"] <= 20
    assert "<script>" not in markdown_to_html("<script>alert(1)</script>")
