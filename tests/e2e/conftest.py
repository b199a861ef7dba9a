"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's
live server. They skip, saying why, only when no chromium can be started (make test and
.ci/run install it with apt-get first). A failing test leaves a screenshot in
var/e2e-failures/."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# The live server runs in a thread beside Playwright's sync API (an event loop): Django's
# async-safety check would otherwise refuse the test's own database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FAILURES = Path(settings.BASE_DIR) / "var" / "e2e-failures"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with media serving switched off.

    Django's test server wraps the site in a media-file handler built from MEDIA_URL; ours is
    None (files are served only through permission checks), which that handler cannot parse.
    An absolute MEDIA_URL makes it step aside; the setting is put back once the server is up.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    original = settings.MEDIA_URL
    settings.MEDIA_URL = "http://media.invalid/"
    try:
        server = LiveServer(address)
    finally:
        settings.MEDIA_URL = original
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"No chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; "
            "`make test` tries this) to run the browser tests."
        )
    from django.db import connections
    from playwright.sync_api import Error, sync_playwright

    # Playwright's sync API leaves an event loop running in this thread, and from then on
    # Django keeps its connections per context rather than per thread: the new connection
    # objects must carry the database snapshot that serialized_rollback restores from.
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    playwright = sync_playwright().start()
    for alias, snapshot in snapshots.items():
        if snapshot is not None:
            connections[alias]._test_serialized_contents = snapshot
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        pytest.skip(f"chromium at {CHROMIUM} would not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server, request):
    """new_page() -> a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(FAILURES / f"{stem}-{n}-{m}.png"), full_page=True)
    for context in contexts:
        context.close()


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page
