"""A hardship file's way through the levels in a real browser (issue 16 "Tests"): a branch
officer files a household and submits it, a county clerk reviews it, a city clerk approves it
and records winter-warmth money, and the officer sees the notification under the bell."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.assistance.models import HardshipFile
from apps.core.validators import build_resident_id
from demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = "/tmp/assist-journey-{step}.png"


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ASSISTANCE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _log_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_a_household_is_filed_reviewed_approved_and_helped_and_the_officer_is_told(
    browser, live_server, demo, chinese_default
):
    id_number = build_resident_id("371302", datetime.date(1978, 5, 6), 951)

    # 1. The branch officer files the household (one person, 500 yuan a month: deep hardship).
    officer = _log_in(browser, live_server, "branch_officer")
    officer.goto("/assistance/files/new/")
    officer.fill("[name=head_name]", "浏览器测试户")
    officer.fill("[name=head_id_number]", id_number)
    officer.fill("[name=address]", "兰山区测试路1号")
    officer.fill("[name=household_size]", "1")
    officer.fill("[name=monthly_income]", "500")
    assert officer.input_value("[name=income_per_head]") == "500.00", "the form computes income per head"
    assert _zh("deep hardship") in officer.inner_text("#category-suggestion")
    officer.select_option("[name=category]", "deep")
    officer.check("[name=causes][value=illness]")
    officer.click("#file-save")
    officer.wait_for_url(re.compile(r"/assistance/files/\d+/$"))
    assert officer.inner_text("#file-status") == _zh("draft")
    officer.click("#step-submit")
    officer.wait_for_load_state("networkidle")
    assert officer.inner_text("#file-status") == _zh("submitted")
    file = HardshipFile.objects.get(head_id_number=id_number)
    assert id_number not in officer.content()  # masked on the page

    # 2. The county clerk finds it waiting at their step and reviews it.
    county = _log_in(browser, live_server, "county_staff")
    county.goto("/assistance/?queue=my_step")
    county.click(f"#file-table a[href='/assistance/files/{file.pk}/']")
    county.click("#step-review")
    county.wait_for_load_state("networkidle")
    assert county.inner_text("#file-status") == _zh("reviewed")

    # 3. The city clerk approves it and records winter-warmth money.
    city = _log_in(browser, live_server, "city_staff")
    city.goto(f"/assistance/files/{file.pk}/")
    city.click("#step-approve")
    city.wait_for_load_state("networkidle")
    with translation.override("zh-hans"):
        assert city.inner_text("#file-status") == translation.pgettext("hardship file", "active")
    city.click("#record-new")
    city.select_option("[name=kind]", "winter_warmth")
    city.fill("[name=amount]", "800")
    city.select_option("[name=fund_source]", "upper_subsidy")
    city.fill("[name=delivered_by]", "市总工会帮扶中心")
    city.click(f"input[type=submit][value='{_zh('Record the assistance')}']")
    city.wait_for_url(re.compile(rf"/assistance/files/{file.pk}/$"))
    assert "800.00" in city.inner_text("#file-records")
    city.screenshot(path=SCREENSHOTS.format(step="city"), full_page=True)

    # 4. The officer's bell shows the news; the list says what happened.
    officer.goto("/")
    badge = officer.locator("#notification-unread")
    badge.wait_for()
    assert int(re.match(r"\d+", badge.inner_text()).group()) >= 2
    officer.click("#notification-bell")
    officer.wait_for_url(re.compile(r"/notifications/$"))
    listing = officer.inner_text("#notification-list")
    assert "浏览器测试户" in listing
    assert _zh("winter warmth") in listing and "800" in listing
    officer.screenshot(path=SCREENSHOTS.format(step="officer"), full_page=True)
    for page in (officer, county, city):
        page.context.close()
