# The fixtures live in tests/browser/fixtures.py and reach every directory through
# tests/conftest.py; this re-export keeps `from tests.browser.conftest import page` working.
from tests.browser.fixtures import browser, live_server, page  # noqa: F401
