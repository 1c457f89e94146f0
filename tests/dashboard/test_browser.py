"""The dashboard and its big screen in a real browser, on the demo data: the figures are there,
every chart is drawn on a canvas, nothing breaks the Content-Security-Policy (ECharts included),
axe finds no serious violation at 1366 and 390 px, and a click on a county's bar opens that
county's list. SCREENSHOT_DIR=/some/dir keeps the screenshots."""

import re
import shutil
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from apps.organizations.models import Organization
from tests.browser.test_pages import COLLECT_VIOLATIONS, SCREENSHOT_DIR, WIDTHS, axe_violations, demo, log_in, shoot  # noqa: F401

pytestmark = pytest.mark.browser
FAILING_IMPACTS = {"serious", "critical"}


def watch(page) -> list[str]:
    """Console errors, uncaught exceptions and CSP violations, gathered as the test goes."""
    problems: list[str] = []
    page.context.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    return problems


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def charts_drawn(page) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('.dashboard-chart')].every(el => el.dataset.drawn && el.querySelector('canvas'))"
    )


@pytest.mark.parametrize("username", ["city_staff", "branch_officer"])
def test_dashboard_draws_its_charts_within_the_csp_on_desktop_and_phone(page, demo, username):
    problems = watch(page)
    log_in(page, username)
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(reverse("dashboard"))
        assert response.status == 200
        assert "unsafe-eval" not in response.headers["content-security-policy"]
        charts_drawn(page)
        assert page.locator("#figure-members-current .dashboard-value").inner_text().strip() not in ("", "—")
        assert page.locator(".dashboard-chart canvas").count() >= 3
        shoot(page, f"dashboard-{username}-{width}")
        serious = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        assert serious == [], serious
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert violations(page) == []
    assert problems == []


def test_clicking_a_countys_bar_opens_that_countys_member_list(page, demo):
    log_in(page, "city_staff")
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(reverse("dashboard"))
    charts_drawn(page)
    chart = page.locator("#chart-members-by-county")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the bars grow for a second (ECharts' animation)
    name, x, y = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-members-by-county'));
        const option = chart.getOption();
        const i = 0, value = option.series[0].data[i].value;
        const [x, y] = chart.convertToPixel({seriesIndex: 0}, [i, value / 2]);
        return [option.xAxis[0].data[i], x, y];
    }""")
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    county = Organization.objects.get(name=name, kind=Organization.Kind.COUNTY_FEDERATION)
    page.wait_for_url(re.compile(rf"/members/\?org={re.escape(county.code)}$"))


def test_big_screen_is_dark_large_and_refreshes_itself_within_the_csp(page, demo):
    problems = watch(page)
    log_in(page, "leader")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(reverse("dashboard_screen"))
    charts_drawn(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 26, 51)"
    assert float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.screen-value')).fontSize)")) >= 40
    shoot(page, "screen-1920", full_page=False)
    # What the poll does every few minutes: the figures are swapped in and the charts drawn again.
    page.evaluate("document.querySelectorAll('.dashboard-chart').forEach(el => delete el.dataset.drawn)")
    with page.expect_response(lambda r: "/dashboard/screen/figures/" in r.url):
        page.evaluate("""() => { const body = document.getElementById('screen-body');
            htmx.ajax('GET', body.getAttribute('hx-get'), {target: body, swap: 'innerHTML'}); }""")
    charts_drawn(page)
    assert violations(page) == []
    assert problems == []


def test_dashboard_prints_on_a4_landscape_without_navigation_or_cut_charts(page, demo, tmp_path):
    """Printed for a meeting: A4 landscape pages, no navigation, filters or buttons, and no
    figure, chart or table cut across two pages (break-inside: avoid). SCREENSHOT_DIR keeps
    the PDF."""
    problems = watch(page)
    log_in(page, "city_staff")
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(reverse("dashboard"))
    charts_drawn(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser's print does first
    hidden = page.evaluate("""() => ['.navbar', '#dashboard-filter', '[data-print]', '.dashboard-export',
        '#dashboard-screen-link'].map(s => [...document.querySelectorAll(s)].every(
            el => getComputedStyle(el).display === 'none'))""")
    assert hidden == [True] * 5
    kept_whole = page.evaluate("""() => [...document.querySelectorAll(
        '.dashboard-figure, .dashboard-chart-box, .dashboard-panel table')].map(el => getComputedStyle(el).breakInside)""")
    assert kept_whole and set(kept_whole) == {"avoid"}
    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    pages = pypdf.PdfReader(pdf).pages
    assert len(pages) >= 2
    for one in pages:  # A4 landscape in points: 841.9 × 595.3 (Chromium rounds to its pixels)
        assert abs(float(one.mediabox.width) - 841.9) < 2 and abs(float(one.mediabox.height) - 595.3) < 2
    if SCREENSHOT_DIR:
        shutil.copy(pdf, Path(SCREENSHOT_DIR) / "dashboard-print.pdf")
    # (Extracted CJK text comes back as Kangxi radicals here and there; the Latin words are exact.)
    text = "".join(one.extract_text() for one in pages)
    # No export buttons; the period's first day is there.
    assert "Excel" not in text and f"{timezone.localdate().year}-01-01" in text.replace(" ", "")
    assert violations(page) == [] and problems == []
