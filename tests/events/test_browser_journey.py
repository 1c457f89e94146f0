"""The check-in journey in a real browser (issue 18 "Tests and speed"): the organizer creates an
event on a desktop, registers a group and shows the QR code; an attendee's phone (390 px, no
login) opens the check-in link, confirms with name and last 4 and is checked in; the organizer
sees the attendance change to the check-ins and records the event as held."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from apps.events.models import Event
from demo.accounts import DEMO_PASSWORD
from tests.browser.test_pages import axe_violations

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/events-journey")


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    SHOTS.mkdir(exist_ok=True)


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _context(browser, live_server, width, height):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    return context


def _serious(page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in axe_violations(page) if v["impact"] in ("serious", "critical")]


def test_organizer_creates_an_event_and_a_phone_checks_in(browser, live_server, demo, chinese_default):
    desktop = _context(browser, live_server, 1366, 900)
    officer = desktop.new_page()
    officer.goto("/accounts/login/")
    officer.fill("input[name=username]", "branch_officer")
    officer.fill("input[name=password]", DEMO_PASSWORD)
    officer.click("#login-form button[type=submit]")
    officer.wait_for_url(re.compile(r"/$"))

    # 1. Create an event that started ten minutes ago (its check-in is open).
    start = timezone.localtime() - datetime.timedelta(minutes=10)
    end = start + datetime.timedelta(hours=2)
    officer.goto("/events/new/")
    officer.select_option("[name=kind]", "legal_lecture")
    officer.fill("[name=title]", "浏览器测试普法讲座")
    officer.fill("[name=day]", start.date().isoformat())
    officer.fill("[name=start_time]", start.strftime("%H:%M"))
    if end.date() != start.date():
        officer.fill("[name=end_day]", end.date().isoformat())
    officer.fill("[name=end_time]", end.strftime("%H:%M"))
    officer.fill("[name=expected_attendance]", "50")
    officer.screenshot(path=str(SHOTS / "1-create-1366.png"), full_page=True)
    officer.click("form.form-page button[type=submit], .form-page input[type=submit]")
    officer.wait_for_url(re.compile(r"/events/\d+/$"))
    event = Event.objects.get(title="浏览器测试普法讲座")
    assert officer.inner_text("#event-status") == _zh("planned")

    # 2. Register a group of two, and show the QR code (an <img> the CSP allows).
    officer.fill("#register-group-form [name=group]", "一车间")
    officer.fill("#register-group-form [name=people]", "王小芳 123X\n李大明 5678")
    officer.click("#register-group-form button[type=submit]")
    officer.wait_for_load_state()
    assert officer.inner_text("#registration-count") == "2"
    assert officer.evaluate("document.querySelector('.qr-code').naturalWidth") > 100, "the QR code is drawn"
    assert _serious(officer) == []
    officer.screenshot(path=str(SHOTS / "2-detail-1366.png"), full_page=True)
    link = officer.get_attribute("#checkin-link", "href")

    # 3. A phone, not logged in, opens the link: a wrong last 4 is refused, the right one checks in.
    phone_context = _context(browser, live_server, 390, 844)
    phone = phone_context.new_page()
    phone.goto(link)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious(phone) == []
    phone.screenshot(path=str(SHOTS / "3-checkin-390.png"), full_page=True)
    phone.fill("[name=name]", "王小芳")
    phone.fill("[name=last4]", "0000")
    phone.click("#checkin-submit")
    phone.locator("#checkin-refused").wait_for()
    phone.fill("[name=last4]", "123x")
    phone.click("#checkin-submit")
    phone.locator("#checkin-done").wait_for()
    assert "王小芳" in phone.inner_text("#checkin-done")
    phone.screenshot(path=str(SHOTS / "4-checked-in-390.png"), full_page=True)
    phone.click("#checkin-submit") if phone.locator("#checkin-submit").count() else None
    phone_context.close()

    # 4. The organizer sees the attendance from the check-ins, then records the event as held.
    officer.reload()
    assert officer.inner_text("#event-attendance").startswith("1")
    assert _zh("check-in").split()[0] in officer.inner_text("#attendance-source")
    officer.fill("#held-box [name=report]", "讲解劳动合同法要点，职工提问踊跃。")
    officer.fill("#held-box [name=reported_attendance]", "45")
    officer.click("#mark-held")
    officer.wait_for_load_state()
    assert officer.inner_text("#event-status") == _zh("held")
    assert officer.inner_text("#event-attendance").startswith("1"), "check-ins win over the organizer's figure"
    officer.screenshot(path=str(SHOTS / "5-held-1366.png"), full_page=True)
    event.refresh_from_db()
    assert (event.status, event.checkin_count, event.attendance) == ("held", 1, 1)

    # 5. The same event on the organizer's phone: no page wider than the screen.
    officer.set_viewport_size({"width": 390, "height": 844})
    for address in (f"/events/{event.pk}/", "/events/", "/events/calendar/", "/events/hazards/"):
        officer.goto(address)
        assert officer.evaluate("document.documentElement.scrollWidth") <= 390, address
        officer.screenshot(path=str(SHOTS / f"6-{address.strip('/').replace('/', '-') or 'x'}-390.png"),
                           full_page=True)
    desktop.close()
