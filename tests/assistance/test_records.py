"""Assistance, visits, legal aid and campaigns (issue 16 items 4-7): the money rules and the totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from apps.assistance import selectors, services_aid
from apps.assistance.choices import FileStatus, ProblemStatus, RecordStatus
from apps.assistance.models import AssistanceRecord, AssistanceSettings, CampaignRecipient
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.assistance.factories import advance, make_file

pytestmark = pytest.mark.django_db
WINTER = {"kind": "winter_warmth", "amount": "500.00", "given_on": datetime.date(2026, 1, 20),
          "fund_source": "upper_subsidy", "delivered_by": "兰山区总工会"}


def _give(user, file, **overrides):
    return services_aid.record_assistance(actor=user, file=file, data={**WINTER, **overrides})


@pytest.mark.parametrize("status", [FileStatus.DRAFT, FileStatus.SUBMITTED, FileStatus.REVIEWED, FileStatus.EXITED])
def test_money_only_goes_to_an_active_file(file_at, county_staff, status):
    file = file_at(status)
    with pytest.raises(ValidationError) as refused:
        _give(county_staff, file)
    assert refused.value.error_list[0].code == "not_active"
    assert not AssistanceRecord.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "-0.01", "10000000", "1e9", "12.345", "NaN", "abc"])
def test_negative_or_absurd_amounts_are_refused(file_at, county_staff, amount):
    file = file_at(FileStatus.ACTIVE)
    with pytest.raises(ValidationError) as refused:
        _give(county_staff, file, amount=amount)
    assert "amount" in refused.value.error_dict
    assert not AssistanceRecord.objects.exists()


def test_the_database_refuses_a_negative_amount(file_at, county_staff):
    record = _give(county_staff, file_at(FileStatus.ACTIVE))
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceRecord.objects.filter(pk=record.pk).update(amount=Decimal(-5))


def test_goods_without_money_are_recorded_and_nothing_at_all_is_refused(file_at, county_staff):
    file = file_at(FileStatus.ACTIVE)
    record = _give(county_staff, file, amount="", goods="米面油一套")
    assert record.amount == 0 and record.goods == "米面油一套"
    with pytest.raises(ValidationError):
        _give(county_staff, file, amount="0", goods="")


def test_money_above_the_city_threshold_waits_for_the_level_above(
    tree, file_at, branch_officer, county_staff, city_staff, county_clerk_2
):
    AssistanceSettings.objects.create(approval_threshold=Decimal("1000.00"))
    file = file_at(FileStatus.ACTIVE)
    small = _give(branch_officer, file, amount="1000.00")
    big = _give(branch_officer, file, amount="1000.01")
    assert (small.status, big.status) == (RecordStatus.APPROVED, RecordStatus.PENDING)
    assert Notification.objects.filter(kind="assistance.record_pending", recipient=county_staff).exists()
    # the county is the level above the branch
    services_aid.approve_assistance(actor=county_staff, record=big)
    big.refresh_from_db()
    assert big.status == RecordStatus.APPROVED and big.decided_by == county_staff
    # money the county records waits for the city; another county clerk is the same level
    county_big = _give(county_staff, file, amount="5000.00")
    with pytest.raises(ValidationError) as refused:
        services_aid.approve_assistance(actor=county_clerk_2, record=county_big)
    assert refused.value.error_list[0].code == "wrong_level"
    with pytest.raises(ValidationError) as own:
        services_aid.approve_assistance(actor=county_staff, record=county_big)
    assert own.value.error_list[0].code == "own_record"
    services_aid.approve_assistance(actor=city_staff, record=county_big)


def test_nobody_approves_money_they_recorded_even_at_the_top(file_at, city_staff, city_clerk_2):
    AssistanceSettings.objects.create(approval_threshold=Decimal("100.00"))
    record = _give(city_staff, file_at(FileStatus.ACTIVE), amount="800.00")
    with pytest.raises(ValidationError):
        services_aid.approve_assistance(actor=city_staff, record=record)
    services_aid.reject_assistance(actor=city_clerk_2, record=record, note="重复发放")
    record.refresh_from_db()
    assert record.status == RecordStatus.REJECTED


def test_a_branch_officer_cannot_approve_money(file_at, branch_officer, sibling_officer):
    AssistanceSettings.objects.create(approval_threshold=Decimal("100.00"))
    record = _give(branch_officer, file_at(FileStatus.ACTIVE), amount="800.00")
    with pytest.raises(PermissionDenied):
        services_aid.approve_assistance(actor=sibling_officer, record=record)


def test_totals_equal_a_plain_sql_sum(tree, branch_officer, sibling_officer, county_staff, city_staff):
    """Totals per county, kind, season, fund source, year and file against SQL written here."""
    files = []
    for officer, union in ((branch_officer, tree.union_a1a), (sibling_officer, tree.union_a1b)):
        for _ in range(2):
            files.append(advance(make_file(officer, union), FileStatus.ACTIVE, officer=officer,
                                 county=county_staff, city=city_staff))
    b_officer = UserFactory(role="branch_officer", organization=tree.union_b1)
    b_county = UserFactory(role="county_staff", organization=tree.county_b)
    files.append(advance(make_file(b_officer, tree.union_b1), FileStatus.ACTIVE, officer=b_officer,
                         county=b_county, city=city_staff))
    AssistanceSettings.objects.create(approval_threshold=Decimal("3000.00"))
    plan = [
        ("winter_warmth", "500.00", datetime.date(2026, 1, 10), "upper_subsidy"),
        ("winter_warmth", "300.50", datetime.date(2025, 12, 20), "own_funds"),
        ("summer_cooling", "120.25", datetime.date(2025, 7, 5), "special_fund"),
        ("medical", "2999.99", datetime.date(2025, 10, 1), "donation"),
        ("autumn_education", "1500.00", datetime.date(2025, 9, 1), "upper_subsidy"),
        ("living", "3500.00", datetime.date(2025, 4, 1), "own_funds"),  # waits: not counted
    ]
    for index, file in enumerate(files):
        for kind, amount, day, source in plan[index:] + plan[:index]:
            services_aid.record_assistance(
                actor=city_staff, file=file,
                data={"kind": kind, "amount": amount, "given_on": day, "fund_source": source, "delivered_by": "x"},
            )

    def sql(group: str, year: int | None = None) -> dict:
        where = "r.status = 'approved'" + (f" AND extract(year FROM r.given_on) = {year}" if year else "")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {group}, count(*), sum(r.amount) FROM assistance_assistancerecord r "
                "JOIN assistance_hardshipfile f ON f.id = r.file_id "
                "JOIN organizations_organization o ON o.id = f.organization_id "
                f"WHERE {where} GROUP BY 1"
            )
            return {key: (count, total) for key, count, total in cursor.fetchall()}

    season = ("CASE WHEN extract(month FROM r.given_on) IN (3,4,5) THEN 'spring' "
              "WHEN extract(month FROM r.given_on) IN (6,7,8) THEN 'summer' "
              "WHEN extract(month FROM r.given_on) IN (9,10,11) THEN 'autumn' ELSE 'winter' END")
    expected = {"county": sql("o.county_id"), "kind": sql("r.kind"), "fund_source": sql("r.fund_source"),
                "season": sql(season), "file": sql("r.file_id"), "year": sql("extract(year FROM r.given_on)::int")}
    for by, want in expected.items():
        rows = selectors.assistance_totals(actor=city_staff, by=by)
        assert {r["key"]: (r["records"], r["amount"]) for r in rows} == want, by
    rows = selectors.assistance_totals(actor=city_staff, by="county", year=2025)
    assert {r["key"]: (r["records"], r["amount"]) for r in rows} == sql("o.county_id", 2025)
    # the county sees its own county only
    county_rows = selectors.assistance_totals(actor=county_staff, by="county")
    assert [r["key"] for r in county_rows] == [tree.county_a.pk]
    assert county_rows[0]["amount"] == expected["county"][tree.county_a.pk][1]


def test_visits_count_households_and_problems_solved_from_the_records(file_at, branch_officer, county_staff):
    file = file_at(FileStatus.ACTIVE)
    visit = services_aid.record_visit(
        actor=county_staff, file=file,
        data={"visited_on": datetime.date(2026, 1, 5), "visitors": "李娜、王强", "findings": "屋顶漏雨"},
        problems=[{"description": "修缮屋顶", "due_on": datetime.date(2026, 2, 1)},
                  {"description": "孩子学费", "due_on": datetime.date(2026, 3, 1)}],
    )
    services_aid.record_visit(actor=branch_officer, file=file,
                              data={"visited_on": datetime.date(2026, 1, 9), "visitors": "王强", "findings": "好转"},
                              problems=[])
    first, second = visit.problems.order_by("id")
    services_aid.advance_problem(actor=branch_officer, problem=first, to_status=ProblemStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services_aid.advance_problem(actor=branch_officer, problem=first, to_status=ProblemStatus.SOLVED)
    services_aid.advance_problem(actor=branch_officer, problem=first, to_status=ProblemStatus.SOLVED,
                                 resolution="已维修")
    with pytest.raises(ValidationError):
        services_aid.advance_problem(actor=branch_officer, problem=first, to_status=ProblemStatus.IN_PROGRESS)
    first.refresh_from_db()
    assert first.status == ProblemStatus.SOLVED and first.solved_by == branch_officer and first.started_on
    figures = selectors.visit_figures(actor=county_staff, year=2026)
    solved_this_year = 1 if first.solved_on.year == 2026 else 0
    assert figures == {"visits": 2, "households": 1, "problems": 2, "solved": solved_this_year}
    assert second.status == ProblemStatus.OPEN


def test_legal_aid_cases_need_a_handler_and_a_closing_date(tree, branch_officer):
    data = {"worker_name": "赵六", "dispute_kind": "wages", "handler": "律师甲", "stage": "accepted",
            "opened_on": datetime.date(2026, 1, 3), "amount_recovered": ""}
    case = services_aid.create_legal_case(actor=branch_officer, organization=tree.union_a1a, data=data)
    with pytest.raises(ValidationError) as refused:
        services_aid.update_legal_case(actor=branch_officer, case=case, data={**data, "stage": "closed"})
    assert "closed_on" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services_aid.update_legal_case(actor=branch_officer, case=case, data={**data, "amount_recovered": "-3"})
    services_aid.update_legal_case(actor=branch_officer, case=case, data={
        **data, "stage": "closed", "outcome": "won", "closed_on": datetime.date(2026, 1, 20),
        "amount_recovered": "12000.00"})
    assert selectors.legal_figures(actor=branch_officer, year=2026) == {
        "cases": 1, "closed": 1, "recovered": Decimal("12000.00")}


def test_a_campaign_selects_active_files_and_reconciles_delivery_against_budget_per_county(
    tree, file_at, county_staff, city_staff, branch_officer
):
    active = file_at(FileStatus.ACTIVE)
    draft = file_at(FileStatus.DRAFT)
    campaign = services_aid.create_campaign(
        actor=city_staff, organizer=tree.city,
        data={"season": "winter", "year": 2026, "name": "2026年冬送温暖", "budget": "10000.00"},
        allocations={tree.county_a: "6000.00", tree.county_b: "4000.00"},
    )
    added = services_aid.select_campaign_files(actor=city_staff, campaign=campaign, files=[active, draft])
    assert added == 1
    assert services_aid.select_campaign_files(actor=city_staff, campaign=campaign, files=[active]) == 0
    recipient = CampaignRecipient.objects.get(campaign=campaign)
    services_aid.deliver_to_recipient(actor=branch_officer, recipient=recipient,
                                      data={**WINTER, "kind": "", "amount": "800.00"})
    recipient.refresh_from_db()
    assert recipient.record.kind == "winter_warmth" and recipient.record.campaign == campaign
    with pytest.raises(ValidationError):
        services_aid.deliver_to_recipient(actor=branch_officer, recipient=recipient, data=WINTER)
    rows = {row["county"].code: row for row in selectors.campaign_reconciliation(actor=city_staff, campaign=campaign)}
    assert rows["CA"]["delivered"] == Decimal("800.00") and rows["CA"]["left"] == Decimal("5200.00")
    assert rows["CB"]["delivered"] == 0 and rows["CB"]["budget"] == Decimal("4000.00")


def test_campaign_shares_cannot_exceed_the_budget_and_workers_only_join_summer(tree, city_staff):
    with pytest.raises(ValidationError):
        services_aid.create_campaign(actor=city_staff, organizer=tree.city,
                                     data={"season": "winter", "year": 2026, "name": "x", "budget": "100"},
                                     allocations={tree.county_a: "101"})
    winter = services_aid.create_campaign(actor=city_staff, organizer=tree.city,
                                          data={"season": "winter", "year": 2026, "name": "x", "budget": "100"},
                                          allocations={})
    with pytest.raises(ValidationError):
        services_aid.add_worker_recipient(actor=city_staff, campaign=winter, organization=tree.union_a1a,
                                          name="快递员", worker_note="快递")
    summer = services_aid.create_campaign(actor=city_staff, organizer=tree.city,
                                          data={"season": "summer", "year": 2026, "name": "y", "budget": "100"},
                                          allocations={})
    worker = services_aid.add_worker_recipient(actor=city_staff, campaign=summer, organization=tree.union_a1a,
                                               name="张快递", worker_note="外卖骑手")
    services_aid.deliver_to_recipient(actor=city_staff, recipient=worker,
                                      data={"amount": "0", "goods": "防暑降温用品", "given_on": datetime.date(2026, 1, 2)})
    worker.refresh_from_db()
    assert worker.delivered_on and worker.record is None
