"""A key-project competition and an innovation enterprise in a real browser (issue 17 "Tests"):
the city clerk creates a key-project competition, starts it, adds two teams and a stage,
enters the 五比一创 scores and sees the ranking; then names an all-staff innovation
enterprise with a grant, pays part of it from the special fund, and is refused — with the
amount that remains — when a second payment would exceed the grant."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.competitions.models import Competition, InnovationEnterprise
from apps.employers.models import Employer
from apps.organizations.models import Organization
from demo.accounts import DEMO_COUNTY, DEMO_PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = "/tmp/comp-journey-{step}-{width}.png"


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _log_in(browser, live_server, username, width=1366):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    return page


def _shot(page, step):
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS.format(step=step, width=width), full_page=True)


def test_key_project_scored_and_ranked_and_an_enterprise_paid_from_the_fund(browser, live_server, demo,
                                                                            chinese_default):
    unions = list(Organization.objects.filter(county__code=DEMO_COUNTY, kind="grassroots").order_by("code")[:2])
    city = Organization.objects.get(kind="city_federation")
    clerk = _log_in(browser, live_server, "city_staff")

    # 1. Create the competition, start it.
    clerk.goto("/competitions/new/")
    clerk.fill("[name=name]", "浏览器测试重点工程竞赛")
    clerk.select_option("[name=kind]", "key_project")
    clerk.select_option("[name=level]", "city")
    clerk.fill("[name=host__text]", city.code)
    clerk.fill("[name=starts_on]", "2026-03-01")
    clerk.fill("[name=ends_on]", "2026年11月30日")
    clerk.fill("[name=weight_safety]", "30")
    clerk.fill("[name=weight_excellence]", "0")
    clerk.click("#competition-form [type=submit]")
    clerk.wait_for_url(re.compile(r"/competitions/\d+/$"))
    competition = Competition.objects.get(name="浏览器测试重点工程竞赛")
    assert competition.weight_safety == 30 and competition.ends_on == datetime.date(2026, 11, 30)
    clerk.click("#competition-advance")
    clerk.wait_for_load_state("networkidle")
    assert clerk.inner_text("#competition-status") == _zh("running")

    # 2. Two teams and a stage.
    for union, name in zip(unions, ("一标段", "二标段"), strict=True):
        clerk.fill("#team-form [name=organization__text]", union.code)
        clerk.fill("#team-form [name=name]", name)
        clerk.click("#team-form [type=submit]")
        clerk.wait_for_load_state("networkidle")
    clerk.fill("#stage-form [name=name]", "第一季度")
    clerk.click("#stage-form [type=submit]")
    clerk.wait_for_load_state("networkidle")

    # 3. Scores: a mark over 100 is refused on its box, then the grid is saved.
    stage = competition.stages.get()
    clerk.click(f"#scores-{stage.pk}")
    one, two = competition.teams.order_by("name")
    marks = {"safety": (90, 80), "quality": (85, 95), "progress": (80, 90), "innovation": (70, 60),
             "management": (75, 85), "excellence": (0, 0)}
    for criterion, (a, b) in marks.items():
        clerk.fill(f"#score-{one.pk}-{criterion}", str(a))
        clerk.fill(f"#score-{two.pk}-{criterion}", str(b))
    clerk.fill(f"#score-{one.pk}-safety", "120")
    clerk.click("#scores-save")
    clerk.wait_for_load_state("networkidle")
    assert clerk.locator(f"#score-{one.pk}-safety.is-invalid").count() == 1
    clerk.fill(f"#score-{one.pk}-safety", "90")
    _shot(clerk, "scores")
    clerk.click("#scores-save")
    clerk.wait_for_url(re.compile(r"/competitions/\d+/$"))
    # one: 90*.3+85*.2+80*.2+70*.15+75*.15 = 27+17+16+10.5+11.25 = 81.75
    # two: 80*.3+95*.2+90*.2+60*.15+85*.15 = 24+19+18+9+12.75 = 82.75
    rows = clerk.locator("#ranking tbody tr")
    assert "二标段" in rows.nth(0).inner_text() and "82.75" in rows.nth(0).inner_text()
    assert "一标段" in rows.nth(1).inner_text() and "81.75" in rows.nth(1).inner_text()
    _shot(clerk, "ranking")

    # 4. Name an innovation enterprise with a grant and pay from the fund.
    named = InnovationEnterprise.objects.values("employer_id")
    employer = Employer.objects.filter(county__code=DEMO_COUNTY).exclude(pk__in=named).order_by("id").first()
    clerk.goto("/competitions/innovation/new/")
    clerk.fill("[name=credit_code]", employer.social_credit_code)
    clerk.select_option("[name=level]", "city")
    clerk.fill("[name=granted]", "100000")
    clerk.click("#enterprise-form [type=submit]")
    clerk.wait_for_url(re.compile(r"/competitions/innovation/\d+/$"))
    clerk.fill("#payment-form [name=amount]", "60000")
    clerk.fill("#payment-form [name=paid_on]", "2026-06-01")
    clerk.click("#payment-form [type=submit]")
    clerk.wait_for_load_state("networkidle")
    assert clerk.inner_text("#enterprise-paid").strip() == "60,000.00"
    clerk.fill("#payment-form [name=amount]", "50000")
    clerk.fill("#payment-form [name=paid_on]", "2026-07-01")
    clerk.click("#payment-form [type=submit]")
    clerk.wait_for_load_state("networkidle")
    assert "40000.00" in clerk.inner_text(".alert-danger, .alert-error, .messages, main")
    assert clerk.inner_text("#enterprise-paid").strip() == "60,000.00"
    _shot(clerk, "enterprise")

    # 5. The statistics page on a phone: the figures open their lists.
    phone = _log_in(browser, live_server, "city_staff", width=390)
    phone.goto("/competitions/statistics/?year=2026")
    _shot(phone, "statistics")
    phone.goto(f"/competitions/{competition.pk}/")
    _shot(phone, "ranking")
