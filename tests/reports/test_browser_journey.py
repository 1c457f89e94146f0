"""Asking for a report in a real browser, with a real worker (issue 20 "Tests": "a browser
journey (request a report, watch progress, download it)"): the county clerk asks for last
month's statistics of 兰山区, the row shows the progress bar while the worker generates it
(htmx polls the row), then the Excel and PDF links; the downloads are the report's files.
At 1366 and 390 px the centre's screenshots are kept under /tmp for a look."""

import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from apps.reports.models import Report
from demo.accounts import DEMO_PASSWORD
from tests.worker_process import Worker, control_exchange, forget_queue, sending_to

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]
SCREENSHOTS = "/tmp/reports-{name}.png"


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def demo_with_worker(live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    name = f"uptest-{uuid.uuid4().hex[:10]}"
    with control_exchange(f"{name}-control"), sending_to(name):
        # Each step of the generation waits a little, so the progress bar is there to be seen.
        worker = Worker(queue=name, exchange=f"{name}-control", log=tmp_path / "worker.log",
                        env={"PRIVATE_FILES_ROOT": str(tmp_path / "private"), "REPORTS_STEP_PAUSE_SECONDS": "0.4"})
        try:
            yield worker.wait_until_ready()
        finally:
            worker.stop()
            forget_queue(name)


def test_a_county_clerk_asks_for_a_report_watches_it_and_downloads_it(browser, live_server, demo_with_worker,
                                                                      chinese_default, tmp_path):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "county_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))

    page.click("#home-reports a[href='/reports/']")
    page.wait_for_url(re.compile(r"/reports/$"))
    page.select_option("#report-request [name=kind]", "membership_changes")
    page.fill("#report-request [name=date_from]", "2026-07-01")
    page.fill("#report-request [name=date_to]", "2026-09-30")
    page.click("#report-request [type=submit]")
    page.wait_for_url(re.compile(r"/reports/#report-\d+$"))
    report = Report.objects.get(requested_by__username="county_staff", kind="membership_changes",
                                period_start="2026-07-01")
    row = page.locator(f"#report-{report.pk}")
    row.locator("[role=progressbar]").wait_for()  # queued or being generated: the bar (0 % wide while queued) is polled
    page.screenshot(path=SCREENSHOTS.format(name="progress-1366"), full_page=True)
    row.locator(".report-xlsx").wait_for(timeout=30_000)  # the poll swapped in the finished row
    assert _zh("ready") in row.inner_text()
    assert row.get_attribute("hx-trigger") is None  # no more polling

    with page.expect_download() as download:
        row.locator(".report-xlsx").click()
    saved = tmp_path / "download.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".xlsx") and "会员变动报表" in download.value.suggested_filename
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[0] == "会员变动报表"
    with page.expect_download() as download:
        row.locator(".report-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=SCREENSHOTS.format(name="done-1366"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=SCREENSHOTS.format(name="done-390"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
