"""The main pages in a real browser, on the demo data, as a city clerk and as a branch officer:

- the Content-Security-Policy is sent and the pages break none of its rules (no inline script
  or style, nothing from elsewhere) — checked without any bypass;
- axe-core (WCAG 2.0/2.1 A and AA) finds no serious or critical violation at 1366 px and at
  390 px (a phone), and at 390 px no page is wider than the screen.

Set SCREENSHOT_DIR=/some/dir to keep a full-page screenshot of every page walked.
"""

import os
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse

from apps.accounts.models import User
from apps.competitions.models import Competition, Participation
from apps.employers.selectors import employers_visible_to
from apps.events.models import Event, Hazard
from apps.imports.services import create_import_job
from apps.imports.validation import run_validation
from apps.members.models import Member
from demo.accounts import DEMO_PASSWORD
from tests.members.factories import MemberFactory
from tests.members.roster_files import roster_row, roster_rows, xlsx_bytes

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
USERS = ["city_staff", "branch_officer"]
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")
NOT_FOUND = "/organizations/no-such-code/"
HOME = re.compile(r"^https?://[^/]+/$")  # the home page, where a login lands


@dataclass
class Facts:
    """Records of the demo data in both users' scope (the branch officer's union)."""

    organization: str
    member: int
    employer: int
    job: int
    event: int
    hazard: int
    competition: int | None = None


@pytest.fixture
def demo(live_server, settings, chinese_default, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    officer = User.objects.get(username="branch_officer")
    union = officer.organization
    # A checked roster upload, so the preview (its tabs and the wide table of rows) has rows.
    rows = [*roster_rows(3, start=900_000), roster_row(900_010, 公民身份号码="3.71302E+17")]
    upload = SimpleUploadedFile("名册.xlsx", xlsx_bytes(rows))
    job = create_import_job(
        kind="roster", organization=union, uploaded_by=officer, uploaded_file=upload, enqueue=False
    )
    run_validation(job_id=job.pk)
    employer = employers_visible_to(officer).order_by("pk").first()
    # A city key-project competition the branch officer's union takes part in, scored.
    key_project = Competition.objects.filter(kind="key_project").order_by("pk").first()
    Participation.objects.get_or_create(competition=key_project, organization=union)
    return Facts(
        competition=key_project.pk,
        organization=union.code,
        member=Member.objects.filter(organization=union).order_by("pk").first().pk,
        employer=employer.pk,
        job=job.pk,
        event=Event.objects.filter(organization=union, status="planned").order_by("starts_at").first().pk,
        hazard=Hazard.objects.filter(organization=union).order_by("pk").first().pk,
    )


def main_pages(facts: Facts, username: str) -> list[tuple[str, str, int]]:
    """(name, address, expected status) of the pages a user walks, after logging in."""
    refused = [("not allowed", reverse("organizations:create"), 403)] if username == "branch_officer" else []
    return refused + [
        ("home", reverse("home"), 200),
        ("organization list", reverse("organizations:list"), 200),
        ("organization tree", reverse("organizations:tree"), 200),
        ("organization detail", reverse("organizations:detail", args=[facts.organization]), 200),
        ("member list", reverse("members:list"), 200),
        ("member detail", reverse("members:detail", args=[facts.member]), 200),
        ("new member", reverse("members:create"), 200),
        ("roster upload", reverse("members:roster_upload"), 200),
        ("roster preview", reverse("members:roster_detail", args=[facts.job]) + "?tab=new", 200),
        ("roster errors", reverse("members:roster_detail", args=[facts.job]) + "?tab=error", 200),
        ("transfers", reverse("members:transfers"), 200),
        ("employer list", reverse("employers:employer_list"), 200),
        ("employer detail", reverse("employers:employer_detail", args=[facts.employer]), 200),
        ("establishment rates", reverse("employers:rate"), 200),
        ("new sectors", reverse("employers:new_sector"), 200),
        ("work instructors", reverse("employers:instructor_list"), 200),
        ("demonstration sites", reverse("employers:site_list"), 200),
        ("competition list", reverse("competitions:list"), 200),
        ("competition detail", reverse("competitions:detail", args=[facts.competition]), 200),
        ("honors", reverse("competitions:honor_list"), 200),
        ("innovation enterprises", reverse("competitions:enterprise_list"), 200),
        ("special fund", reverse("competitions:fund_ledger"), 200),
        ("competition statistics", reverse("competitions:statistics") + "?year=2026", 200),
        ("events", reverse("events:event_list"), 200),
        ("event detail", reverse("events:event_detail", args=[facts.event]), 200),
        ("new event", reverse("events:event_create"), 200),
        ("calendar", reverse("events:calendar"), 200),
        ("calendar week", reverse("events:calendar") + "?view=week", 200),
        ("hazard register", reverse("events:hazard_list"), 200),
        ("hazard detail", reverse("events:hazard_detail", args=[facts.hazard]), 200),
        ("event statistics", reverse("events:statistics"), 200),
        ("lecturers", reverse("events:lecturer_list"), 200),
        ("download centre", reverse("reports:centre"), 200),
        ("page not found", NOT_FOUND, 404),
    ]


def log_in(page, username, password=DEMO_PASSWORD):
    page.goto(reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(HOME)


def visit(page, name, address, status, *, label):
    response = page.goto(address)
    assert response.status == status, f"{name}: {address} answered {response.status}"
    page.wait_for_load_state("networkidle")  # htmx panels that load themselves (hx-trigger=load)
    shoot(page, f"{label}-{name}")
    return response


def shoot(page, name, *, full_page=True):
    if SCREENSHOT_DIR:
        slug = re.sub(r"\W+", "-", name)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{slug}.png"), full_page=full_page)


# --- Content-Security-Policy --------------------------------------------------------------

# Every violation of the policy, as the browser reports it, kept across the page's scripts.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


@pytest.mark.parametrize("username", USERS)
def test_main_pages_send_the_csp_and_break_none_of_its_rules(page, demo, username):
    page.context.add_init_script(COLLECT_VIOLATIONS)
    pages = main_pages(demo, username)
    error_pages = tuple(address for _name, address, status in pages if status != 200)
    console_errors = []

    def on_console(message):
        # The errors expected: the error pages' own status ("Failed to load resource: 404").
        url = message.location.get("url", "")
        if message.type == "error" and not (url.endswith(error_pages) and "Failed to load" in message.text):
            console_errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    violations = []

    def check(name):
        violations.extend(f"{name}: {v}" for v in page.evaluate("window.__cspViolations"))

    response = visit(page, "login", reverse("login"), 200, label=f"csp-{username}")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    check("login")
    log_in(page, username)
    for name, address, status in pages:
        visit(page, name, address, status, label=f"csp-{username}")
        check(name)

    # The scripted parts: the user menu (Bootstrap), a tree node's children (htmx), the
    # member's full ID number (htmx swap), the language switcher (our portal.js).
    page.goto(reverse("members:detail", args=[demo.member]))
    page.click("#user-menu")
    page.locator("#user-menu + .dropdown-menu").wait_for()
    page.click("#reveal-id-button")
    page.locator("#reveal-id-button").wait_for(state="detached")
    check("member detail, menu and reveal")
    page.goto(reverse("organizations:tree"))
    closed = page.locator("#organization-tree details:not([open]) > summary")
    if closed.count():  # a branch officer's union has no unions under it
        closed.first.click()
        page.wait_for_load_state("networkidle")
        check("tree, a node opened")
    page.select_option("#language-switcher select[name=language]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    check("language switched")

    assert violations == [], "\n".join(violations)
    assert console_errors == [], "\n".join(console_errors)


# --- Accessibility (axe-core) ---------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(
      (n) => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " ")
    ),
  }));
}"""


def axe_violations(page) -> list[dict]:
    # axe comes from our own static files (as a <script src>), so the page's CSP allows it.
    page.add_script_tag(url=static(f"vendor/axe-core-{AXE_VERSION}/axe.min.js"))
    return page.evaluate(RUN_AXE, AXE_TAGS)


@pytest.mark.parametrize("username", USERS)
def test_main_pages_have_no_serious_accessibility_violations_on_desktop_and_phone(page, demo, username):
    failures, overflowing = [], []

    def check(name, width):
        for violation in axe_violations(page):
            if violation["impact"] in FAILING_IMPACTS:
                what = f"{violation['id']} ({violation['impact']}) {violation['help']}"
                failures.append(f"[{width}] {name}: {what}")
                failures.extend(f"      {node}" for node in violation["nodes"])
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > page.viewport_size["width"]:
            overflowing.append(f"[{width}] {name}: {page_width} px wide")

    for width, viewport in WIDTHS.items():
        page.context.clear_cookies()
        page.set_viewport_size(viewport)
        visit(page, "login", reverse("login"), 200, label=f"axe-{width}")
        check("login", width)
        log_in(page, username)
        for name, address, status in main_pages(demo, username):
            visit(page, name, address, status, label=f"axe-{username}-{width}")
            check(name, width)

    assert failures == [], "\n".join(failures)
    assert overflowing == [], "pages wider than the screen:\n" + "\n".join(overflowing)


# --- Small journeys on the test tree (no demo data needed) ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_showing_the_full_id_number_replaces_its_show_button(page, tree, branch_officer, password):
    member = MemberFactory(organization=tree.union_a1a, phone="13800000001")
    log_in(page, branch_officer.username, password)
    page.goto(reverse("members:detail", args=[member.pk]))
    page.click("#reveal-id-button")
    page.locator("#reveal-id-button").wait_for(state="detached")
    assert page.inner_text("#reveal-id_number") == member.id_number
    assert page.locator("#reveal-phone-button").is_visible()  # the other field keeps its own button
    page.click("#reveal-phone-button")
    page.locator("#reveal-phone-button").wait_for(state="detached")
    assert page.inner_text("#reveal-phone") == member.phone


@pytest.mark.django_db(transaction=True)
def test_filters_fold_behind_a_button_on_a_phone_and_stay_open_on_a_desktop(
    page, tree, city_staff, password
):
    log_in(page, city_staff.username, password)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(reverse("members:list"))
    assert not page.locator("#member-filter").is_visible()
    page.click("#member-filter-toggle")
    page.locator("#member-filter").wait_for(state="visible")
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(reverse("members:list"))
    assert page.locator("#member-filter").is_visible()
    assert not page.locator("#member-filter-toggle").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(
    page, tree, city_staff, password
):
    log_in(page, city_staff.username, password)
    page.goto(reverse("organizations:list"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#content"
    assert page.locator(".skip-link").is_visible()  # hidden until focused, then shown
    shoot(page, "focus-skip-link", full_page=False)
    page.keyboard.press("Tab")
    shoot(page, "focus-navbar-brand", full_page=False)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # the next stop is inside the page's content, past the navbar
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")
