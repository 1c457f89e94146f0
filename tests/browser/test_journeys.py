"""A demo user's first minutes in a real browser: log in, Chinese home page, English, the tree."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
SCREENSHOT = "/tmp/h3-home.png"


@pytest.fixture
def demo(live_server, settings):
    # The real hasher would cost ~0.3 s per demo user; hashing is not what this journey tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def _zh(message: str) -> str:
    """The Chinese the page should show for `message`, from the catalogues Django has loaded."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_demo_user_logs_in_sees_chinese_switches_to_english_and_browses_the_tree(page, demo, chinese_default):
    # 1. The login page speaks Chinese to a Chinese browser.
    page.goto("/accounts/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert CJK.search(page.inner_text("#login-form"))

    # 2. Log in as the demo city staff member: the home page, in Chinese.
    _log_in(page, "city_staff")
    assert page.get_attribute("html", "lang") == "zh-hans"
    home = _zh("Home")
    assert CJK.search(home), "no Chinese catalogue for 'Home' (run compilemessages)"
    assert page.locator("#nav-main").get_by_text(home, exact=True).is_visible()
    assert "临沂市总工会" in page.inner_text("#home-organization")
    welcome = _zh("Welcome")
    assert welcome == "欢迎"
    assert welcome in page.inner_text("h1")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # 3. The language switcher in the navbar turns the page English.
    page.select_option("#language-switcher select[name=language]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("#nav-main").get_by_text("Home", exact=True).is_visible()
    assert page.locator("#user-menu").is_visible()

    # 4. The tree: opening a county loads its townships in place, without reloading the page.
    page.goto("/organizations/tree/")
    assert page.get_attribute("html", "lang") == "en"
    county = page.locator("li[data-code='371302']")
    children = page.locator("#children-371302 li[data-code]")
    assert children.count() == 0
    page.evaluate("window.__sameDocument = true")
    county.locator("summary").first.click(position={"x": 4, "y": 8})  # the disclosure marker, not the link
    children.first.wait_for()
    assert page.evaluate("window.__sameDocument === true")
    assert "/organizations/tree/" in page.url
    names = page.locator("#children-371302 > li[data-code]").all_inner_texts()
    assert any("兰山街道总工会" in name for name in names)


def test_wrong_password_stays_on_the_login_page_with_a_message(page, demo):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "city_staff")
    page.fill("input[name=password]", "not-the-password")
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.locator("#login-form .alert-danger").count() == 1
