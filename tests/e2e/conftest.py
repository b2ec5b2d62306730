"""Real-browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

Generic fixtures for every e2e test (publishing, hiring, KPIs):

- `browser`: one chromium for the session (skipped when Playwright or chromium is missing; the root
  conftest turns that skip into a failure when CI=true);
- `new_page(viewport=DESKTOP, javascript=True)`: a page in a fresh browser context (own cookies) whose
  relative URLs go to the live server; `page` is one such page at desktop size;
- `sign_in_as(page, username, password="demo")`: signs in through the login form, like a person;
- `screenshot(page, name, full_page=False)`: saves test-artifacts/e2e/<name>.png (git-ignored) to look at.

Mark tests `@pytest.mark.e2e` and `@pytest.mark.django_db(transaction=True)`: the live server runs in
another thread and must see committed data.
"""
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; the ORM calls that tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(viewport: dict = DESKTOP, javascript: bool = True):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def sign_in_as():
    def sign_in(page, username: str, password: str = "demo"):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r".*/roles/$"))
        return page

    return sign_in


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str, full_page: bool = False) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return shoot
