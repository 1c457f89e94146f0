"""Browser fixtures: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

tests/conftest.py imports them, so every test directory can ask for `page`. The browser
starts once per test session however many modules import these fixtures (a module that
imports a fixture gets its own instance of it, and Playwright's sync API cannot start
twice in one thread), and each test gets a fresh context (cookies, storage) with a
Chinese browser's language and time zone.
"""

import os
import shutil

import pytest

from tests.ci import require_tool

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but speaking plain HTTP.

    The server thread builds its middleware once, when it starts, so SecurityMiddleware
    would keep production's HTTPS redirect whatever a test's `settings` say later.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    plain_http = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    )
    with plain_http:
        server = LiveServer(request.config.getvalue("liveserver") or "localhost")
        yield server
        server.stop()


class _Shared:
    playwright = None
    browser = None
    users = 0


@pytest.fixture(scope="session")
def browser():
    require_tool(bool(shutil.which(CHROMIUM)), f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(False, "Playwright is not installed (requirements-dev.txt)")
    if _Shared.browser is None:
        # Playwright's sync API keeps an event loop running in this thread; the tests' own
        # ORM calls are still plain synchronous code, so Django's async guard must stand aside.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _Shared.playwright = sync_playwright().start()
        _Shared.browser = _Shared.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    _Shared.users += 1
    yield _Shared.browser
    _Shared.users -= 1
    if _Shared.users == 0:
        _Shared.browser.close()
        _Shared.playwright.stop()
        _Shared.browser = _Shared.playwright = None


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
