"""The organization picker and the count box's "more" in a real browser (issue 14 part 4 items 6, 11)."""

import re

import pytest
from playwright.sync_api import expect

from apps.imports.models import ImportJob
from apps.imports.tasks import validate_import
from tests.members.factories import MemberFactory
from tests.members.roster_files import roster_rows, xlsx_bytes
from tests.organizations.factories import bulk_children

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk(transactional_db, tree, county_staff, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(validate_import, "delay", lambda **kwargs: None)  # no worker here
    return county_staff


def log_in(page, user, password):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_county_clerk_picks_the_union_by_part_of_its_name_and_uploads(page, clerk, password, tree, tmp_path):
    log_in(page, clerk, password)
    page.goto("/members/roster/")
    box = page.locator("#id_organization")
    box.fill("乙公司")
    option = page.locator("#id_organization-listbox [data-org-code=CA1b]")
    option.wait_for()
    assert page.locator("#id_organization-listbox [data-org-code]").count() == 1  # no other match in scope
    assert box.get_attribute("aria-expanded") == "true"
    option.click()
    assert page.input_value("input[type=hidden][name=organization]") == "CA1b"
    assert box.input_value() == "乙公司工会"
    assert "CA1b" in page.inner_text("[data-org-picker-chosen]")
    assert page.locator("#id_organization-listbox [data-org-code]").count() == 0  # the list closed

    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx_bytes(roster_rows(1)))
    page.set_input_files("#roster-upload-form input[type=file]", str(path))
    page.click("#roster-upload-form button[type=submit]")
    page.wait_for_selector("#import-job-facts")
    assert ImportJob.objects.get().organization == tree.union_a1b


def test_editing_the_text_forgets_the_pick_and_the_keyboard_reaches_the_options(page, clerk, password):
    log_in(page, clerk, password)
    page.goto("/members/roster/")
    box = page.locator("#id_organization")
    assert page.input_value("input[type=hidden][name=organization]") == "CA"  # the clerk's own county
    box.fill("CA1")
    page.locator("#id_organization-listbox [data-org-code=CA1a]").wait_for()
    assert page.input_value("input[type=hidden][name=organization]") == ""
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.orgCode") == "CA1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("input[type=hidden][name=organization]") == "CA1a"


def test_count_box_more_appends_the_next_children(page, clerk, password, tree):
    children = bulk_children(tree.township_a1, 60)
    MemberFactory(organization=children[-1])
    log_in(page, clerk, password)
    page.goto(f"/organizations/{tree.township_a1.code}/")
    rows = page.locator("#org-member-counts-children tbody tr:not(.org-counts-more)")
    rows.first.wait_for()
    assert rows.count() == 50
    page.click("#org-member-counts-children .org-counts-more button")
    # Wait through the locator, not a string predicate: the page's CSP forbids eval.
    expect(page.locator("#org-member-counts-children tbody tr")).to_have_count(62)
    assert page.locator("#org-member-counts-children .org-counts-more").count() == 0
    assert page.locator("#org-member-counts-children tbody a").nth(61).get_attribute("href").endswith("/")
