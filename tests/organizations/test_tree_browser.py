"""The tree browser in a real browser: a node opens without reloading the page."""

import pytest
from django.urls import reverse

from tests.organizations.factories import bulk_children

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# `page` (shared headless Chromium, fresh context per test) comes from tests/browser/fixtures.py via conftest.


def test_county_staff_opens_nodes_and_pages_children_without_reload(page, live_server, tree, county_staff, password):
    bulk_children(tree.township_a1, 55)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", county_staff.username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.goto(live_server.url + reverse("organizations:tree"))
    page.evaluate("window.__same_page = true")
    assert page.locator('[data-code="CA1"]').is_visible()
    page.click('[data-code="CA1"] > details > summary')
    page.wait_for_selector('[data-code="B00000"]')
    assert page.locator("#children-CA1 > li[data-code]").count() == 50
    page.click("#children-CA1 .tree-more button")
    page.wait_for_selector('[data-code="CA1b"]')  # children come in code order: B… first
    assert page.locator("#children-CA1 > li[data-code]").count() == 57
    assert page.evaluate("window.__same_page") is True
    assert page.locator('[data-code="CB"]').count() == 0
