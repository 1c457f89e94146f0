"""The competitions pages: forms through the services, the score grid and ranking, the
member's honors panel, exports, and bounded queries at two sizes."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.competitions import services
from apps.competitions.models import Competition, FundPayment, Score
from tests.competitions.factories import PDF, YEAR, honor_kind, make_competition, make_fund
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def test_create_form_refuses_end_before_start_on_the_field(client, city_staff, tree):
    client.force_login(city_staff)
    response = client.post(reverse("competitions:create"), {
        "name": "竞赛", "kind": "theme", "level": "city", "host": "C", "starts_on": "2026-05-01",
        "ends_on": "2026/4/1", "weight_safety": 20, "weight_quality": 20, "weight_progress": 20,
        "weight_innovation": 15, "weight_management": 15, "weight_excellence": 10})
    assert response.status_code == 200
    assert "ends before it starts" in response.context["form"].errors["ends_on"][0]
    assert not Competition.objects.exists()


def test_scores_entered_on_the_grid_show_in_the_ranking(client, city_staff, tree):
    competition = make_competition(city_staff, tree.city, start=True)
    stage = services.add_stage(actor=city_staff, competition=competition, name="一季度")
    a = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a, name="甲标段")
    b = services.add_team(actor=city_staff, competition=competition, organization=tree.union_b1, name="丙标段")
    client.force_login(city_staff)
    url = reverse("competitions:stage_scores", args=[stage.pk])
    marks = {services.score_field(t.pk, c): v for t, v in ((a, "80"), (b, "80")) for c in competition.criteria}
    bad = client.post(url, {**marks, services.score_field(a.pk, "safety"): "120"})
    assert bad.status_code == 200 and "between 0 and 100" in bad.content.decode()
    assert not Score.objects.exists()
    assert client.post(url, marks).status_code == 302
    html = client.get(reverse("competitions:detail", args=[competition.pk])).content.decode()
    assert html.count("tied") >= 2


def test_rules_document_downloads_only_within_scope(client, county_staff, county_b_staff, tree):
    competition = make_competition(county_staff, tree.county_a, level="county", kind="theme")
    attachment = services.add_rules_attachment(actor=county_staff, competition=competition,
                                               upload=SimpleUploadedFile("细则.pdf", PDF))
    url = reverse("competitions:attachment_download", args=[attachment.pk])
    client.force_login(county_staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(county_b_staff)
    assert client.get(url).status_code == 404


def test_city_competition_a_county_union_enters_is_visible_to_it_but_not_changeable(client, city_staff,
                                                                                   branch_officer, tree):
    competition = make_competition(city_staff, tree.city)
    client.force_login(branch_officer)
    detail = reverse("competitions:detail", args=[competition.pk])
    assert client.get(detail).status_code == 404
    services.add_participation(actor=city_staff, competition=competition, organization=tree.union_a1a,
                               counted_people=10)
    assert client.get(detail).status_code == 200
    assert client.post(reverse("competitions:stage_add", args=[competition.pk]), {"name": "x"}).status_code == 403


def test_members_page_shows_their_honors(client, city_staff, branch_officer, sibling_officer, tree):
    member = MemberFactory(organization=tree.union_a1a, id_number=id_number_for(710_001))
    services.record_honor(actor=city_staff, kind=honor_kind("may_day_medal"), level="city", year=YEAR,
                          organization=tree.union_a1a, id_number=member.id_number)
    client.force_login(branch_officer)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    panel = reverse("competitions:member_honors", args=[member.pk])
    assert f'hx-get="{panel}"' in page
    assert "五一劳动奖章" in client.get(panel).content.decode()
    client.force_login(sibling_officer)
    assert client.get(panel).status_code == 404


def test_payment_form_refuses_over_the_fund_with_the_remaining_amount(client, city_staff, tree):
    fund = make_fund(tree.city, "1000.00")
    employer = EmployerFactory(county=tree.county_a)
    enterprise = services.name_innovation_enterprise(actor=city_staff, employer=employer, level="city",
                                                     year_named=YEAR, granted="1000")
    client.force_login(city_staff)
    url = reverse("competitions:payment_add", args=[enterprise.pk])
    client.post(url, {"amount": "600", "paid_on": "2026-06-01"})
    response = client.post(url, {"amount": "600", "paid_on": "2026-06-02"}, follow=True)
    assert "400.00 yuan of the enterprise&#x27;s grant remain unpaid" in response.content.decode()
    assert FundPayment.objects.count() == 1 and fund.payments.count() == 1


def test_enterprise_form_finds_the_employer_by_credit_code_in_scope(client, county_staff, tree):
    mine = EmployerFactory(county=tree.county_a)
    theirs = EmployerFactory(county=tree.county_b)
    client.force_login(county_staff)
    url = reverse("competitions:enterprise_create")
    refused = client.post(url, {"credit_code": theirs.social_credit_code, "level": "county", "year_named": YEAR,
                                "granted": "0"})
    assert "credit_code" in refused.context["form"].errors
    assert client.post(url, {"credit_code": mine.social_credit_code, "level": "county", "year_named": YEAR,
                             "granted": "0"}).status_code == 302


def test_export_is_formula_safe_and_scoped(client, county_staff, county_b_staff, tree):
    make_competition(county_staff, tree.county_a, level="county", kind="theme", name="=HYPERLINK(1)")
    client.force_login(county_staff)
    response = client.get(reverse("competitions:export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.cell(2, 1).value == "'=HYPERLINK(1)"
    client.force_login(county_b_staff)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(reverse("competitions:export")).streaming_content)))
    assert book.active.max_row == 1


@pytest.mark.parametrize("size", [2, 12])
def test_pages_take_bounded_queries(client, city_staff, county_staff, tree, django_assert_max_num_queries, size):
    make_fund(tree.city)
    competition = None
    for n in range(size):
        competition = make_competition(city_staff, tree.city, start=True, name=f"竞赛{n}")
        stage = services.add_stage(actor=city_staff, competition=competition, name="初赛")
        team = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a,
                                 name=f"队{n}")
        services.add_participant(actor=city_staff, competition=competition, organization=tree.union_a1a,
                                 team=team, name=f"人{n}")
        services.record_scores(actor=city_staff, stage=stage, marks={(team.pk, c): "80" for c in competition.criteria})
        services.record_honor(actor=city_staff, kind=honor_kind(), level="city", year=YEAR,
                              organization=tree.union_a1a, id_number=id_number_for(720_000 + n), honoree=f"劳模{n}")
        enterprise = services.name_innovation_enterprise(
            actor=city_staff, employer=EmployerFactory(county=tree.county_a), level="city", year_named=YEAR,
            granted="1000")
        services.record_fund_payment(actor=city_staff, enterprise=enterprise, amount="100",
                                     paid_on=datetime.date(YEAR, 5, 1))
        services.report_outcome(actor=city_staff, enterprise=enterprise, year=YEAR, kind="patent", count=1)
    for _ in range(size):  # more teams and stages on the last competition
        services.add_team(actor=city_staff, competition=competition, organization=tree.union_b1, name=f"丙{_}")
        services.add_stage(actor=city_staff, competition=competition, name=f"复赛{_}")
    client.force_login(city_staff)
    pages = [
        (reverse("competitions:list"), 12), (reverse("competitions:detail", args=[competition.pk]), 24),
        (reverse("competitions:stage_scores", args=[competition.stages.first().pk]), 14),
        (reverse("competitions:participation_list"), 12), (reverse("competitions:honor_list"), 12),
        (reverse("competitions:enterprise_list"), 14),
        (reverse("competitions:enterprise_detail", args=[enterprise.pk]), 14),
        (reverse("competitions:fund_ledger"), 14), (reverse("competitions:statistics") + f"?year={YEAR}", 16),
    ]
    for url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_participation_list_of_one_competition_is_scoped(client, county_staff, county_b_staff, tree):
    competition = make_competition(county_staff, tree.county_a, level="county", kind="theme", name="兰山主题")
    services.add_participation(actor=county_staff, competition=competition, organization=tree.union_a1a,
                               counted_people=12)
    url = reverse("competitions:participation_list")
    client.force_login(county_staff)
    page = client.get(url, {"competition": competition.pk}).content.decode()
    assert "甲公司工会" in page and "兰山主题" in page
    client.force_login(county_b_staff)
    assert client.get(url, {"competition": competition.pk}).status_code == 404


def test_fund_ledger_export_lists_the_filtered_payments_of_the_scope(client, city_staff, county_b_staff, tree,
                                                                     django_assert_max_num_queries):
    """The finance office reconciles the special fund against this sheet: every payment the ledger
    lists with the same filters, the amount as a number, the credit code as text (18 characters,
    GB 32100-2015, never turned into a number); a sibling county's officer gets none of them."""
    make_fund(tree.city)
    for n, year in enumerate((YEAR, YEAR, YEAR - 1)):
        enterprise = services.name_innovation_enterprise(
            actor=city_staff, employer=EmployerFactory(county=tree.county_a), level="city", year_named=year,
            granted="100000")
        services.record_fund_payment(actor=city_staff, enterprise=enterprise, amount=f"{1000 * (n + 1)}.50",
                                     paid_on=datetime.date(year, 5, 1))
    client.force_login(city_staff)
    assert 'id="payment-export"' in client.get(reverse("competitions:fund_ledger")).content.decode()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("competitions:fund_ledger_export"), {"year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = FundPayment.objects.filter(paid_on__year=YEAR).order_by("-paid_on", "-pk")
    assert sorted(r[5] for r in rows) == sorted(float(p.amount) for p in expected) == [1000.5, 2000.5]
    assert all(isinstance(r[2], str) and len(r[2]) == 18 for r in rows)
    client.force_login(county_b_staff)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("competitions:fund_ledger_export")).streaming_content))).active
    assert sheet.max_row == 1
