"""The rules of competitions, awards, honors and the special fund (issue 17, "Bad input":
each refusal names the field and writes nothing)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from apps.competitions import services
from apps.competitions.models import (
    Competition,
    CompetitionAttachment,
    FundPayment,
    Honor,
    InnovationEnterprise,
    Participant,
    Score,
    Team,
)
from tests.competitions.factories import PDF, YEAR, competition_data, honor_kind, make_competition, make_fund
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def _field_error(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


# --- competitions ----------------------------------------------------------------------------


def test_competition_that_ends_before_it_starts_is_refused_on_ends_on(city_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        make_competition(city_staff, tree.city, starts_on=datetime.date(YEAR, 5, 1), ends_on=datetime.date(YEAR, 4, 1))
    assert "ends before it starts" in _field_error(excinfo, "ends_on")
    assert not Competition.objects.exists()


def test_key_project_weights_must_add_up_to_100(city_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        make_competition(city_staff, tree.city, weight_safety=50)
    assert "add up to 100" in _field_error(excinfo, "weight_safety")


def test_county_staff_cannot_create_a_city_level_competition(county_staff, tree):
    """Per the issue: city-level records are the city federation's."""
    with pytest.raises(ValidationError) as excinfo:
        make_competition(county_staff, tree.county_a)
    assert "level" in excinfo.value.message_dict


def test_host_must_match_the_level(city_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        make_competition(city_staff, tree.county_a, level="city")
    assert "host" in excinfo.value.message_dict


def test_county_staff_cannot_host_in_a_sibling_county(county_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        make_competition(county_staff, tree.county_b, level="county")
    assert "outside your scope" in _field_error(excinfo, "host")


def test_branch_officer_runs_an_enterprise_competition_of_its_union(branch_officer, tree):
    competition = make_competition(branch_officer, tree.union_a1a, level="enterprise", kind="skills")
    assert services.may_run(branch_officer, competition)


def test_status_moves_planned_running_finished_and_no_further(city_staff, tree):
    competition = make_competition(city_staff, tree.city)
    assert services.advance_competition(actor=city_staff, competition=competition).status == "running"
    assert services.advance_competition(actor=city_staff, competition=competition).status == "finished"
    with pytest.raises(ValidationError):
        services.advance_competition(actor=city_staff, competition=competition)


def test_county_staff_may_not_change_the_city_competition_its_unions_enter(city_staff, county_staff, tree):
    """The host (the city) lies outside the county's scope: the service answers 404 (the page, 403)."""
    competition = make_competition(city_staff, tree.city)
    with pytest.raises(Http404):
        services.advance_competition(actor=county_staff, competition=competition)


def test_sibling_county_cannot_touch_a_county_competition(county_staff, county_b_staff, tree):
    competition = make_competition(county_staff, tree.county_a, level="county")
    with pytest.raises(Http404):
        services.add_stage(actor=county_b_staff, competition=competition, name="决赛")


def test_participant_outside_the_hosts_reach_is_refused(county_staff, city_staff, tree):
    competition = make_competition(county_staff, tree.county_a, level="county")
    with pytest.raises(ValidationError) as excinfo:
        services.add_team(actor=city_staff, competition=competition, organization=tree.union_b1, name="丙队")
    assert "outside the reach of the host" in _field_error(excinfo, "organization")
    assert not Team.objects.exists()


def test_member_participant_is_found_by_id_number_and_counted_once(county_staff, tree):
    member = MemberFactory(organization=tree.union_a1a, name="赵技师", id_number=id_number_for(700_001))
    competition = make_competition(county_staff, tree.county_a, level="county", kind="skills")
    participant = services.add_participant(actor=county_staff, competition=competition, organization=None,
                                           id_number=member.id_number, result="一等奖")
    assert participant.member == member and participant.name == "赵技师"
    assert participant.organization == tree.union_a1a
    with pytest.raises(ValidationError) as excinfo:
        services.add_participant(actor=county_staff, competition=competition, organization=None,
                                 id_number=member.id_number)
    assert "already takes part" in _field_error(excinfo, "id_number")
    assert Participant.objects.count() == 1


def test_member_of_another_county_is_outside_the_reach(county_staff, city_staff, tree):
    member = MemberFactory(organization=tree.union_b1, id_number=id_number_for(700_002))
    competition = make_competition(county_staff, tree.county_a, level="county", kind="skills")
    with pytest.raises(ValidationError) as excinfo:
        services.add_participant(actor=city_staff, competition=competition, organization=None,
                                 id_number=member.id_number)
    assert "id_number" in excinfo.value.message_dict


def test_rules_attachment_checked_by_content(city_staff, tree):
    competition = make_competition(city_staff, tree.city)
    services.add_rules_attachment(actor=city_staff, competition=competition,
                                  upload=SimpleUploadedFile("细则.pdf", PDF))
    with pytest.raises(ValidationError) as excinfo:
        services.add_rules_attachment(actor=city_staff, competition=competition,
                                      upload=SimpleUploadedFile("细则.pdf", b"MZ\x90\x00 not a pdf"))
    assert "upload" in excinfo.value.message_dict
    assert CompetitionAttachment.objects.count() == 1


# --- scores and awards ------------------------------------------------------------------------


@pytest.fixture
def scored(city_staff, tree):
    competition = make_competition(city_staff, tree.city, start=True)
    stage = services.add_stage(actor=city_staff, competition=competition, name="季度考评")
    a = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a, name="甲标段")
    b = services.add_team(actor=city_staff, competition=competition, organization=tree.union_b1, name="丙标段")
    return competition, stage, a, b


def test_scores_outside_0_to_100_are_refused_naming_each_box(city_staff, scored):
    competition, stage, a, b = scored
    with pytest.raises(ValidationError) as excinfo:
        services.record_scores(actor=city_staff, stage=stage, marks={
            (a.pk, "safety"): "101", (b.pk, "safety"): "-1", (a.pk, "quality"): "90"})
    errors = excinfo.value.message_dict
    assert set(errors) == {services.score_field(a.pk, "safety"), services.score_field(b.pk, "safety")}
    assert not Score.objects.exists()


def test_scores_only_while_running(city_staff, tree):
    competition = make_competition(city_staff, tree.city)
    stage = services.add_stage(actor=city_staff, competition=competition, name="初赛")
    team = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a, name="甲")
    with pytest.raises(ValidationError):
        services.record_scores(actor=city_staff, stage=stage, marks={(team.pk, "safety"): "80"})


def test_award_quota_per_county_is_enforced(city_staff, scored, tree):
    """Per the issue: award quotas per county are enforced when awards are given."""
    competition, stage, a, b = scored
    a2 = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1b, name="乙标段")
    services.advance_competition(actor=city_staff, competition=competition)
    services.set_award_quota(actor=city_staff, competition=competition, county=tree.county_a, quota=1)
    services.give_award(actor=city_staff, team=a, grade="first")
    with pytest.raises(ValidationError) as excinfo:
        services.give_award(actor=city_staff, team=a2, grade="second")
    assert "quota of 1 awards for 兰山区总工会 is used up" in _field_error(excinfo, "grade")
    with pytest.raises(ValidationError) as excinfo:
        services.give_award(actor=city_staff, team=b, grade="third")  # county B has no quota
    assert "No award quota" in _field_error(excinfo, "grade")
    assert list(Team.objects.exclude(award="").values_list("name", flat=True)) == ["甲标段"]
    # a changed grade uses no further quota; a withdrawn award frees its place
    services.give_award(actor=city_staff, team=a, grade="second")
    services.withdraw_award(actor=city_staff, team=a)
    services.give_award(actor=city_staff, team=a2, grade="first")


def test_quota_cannot_fall_below_the_awards_given(city_staff, scored, tree):
    competition, stage, a, b = scored
    services.advance_competition(actor=city_staff, competition=competition)
    services.set_award_quota(actor=city_staff, competition=competition, county=tree.county_a, quota=1)
    services.give_award(actor=city_staff, team=a, grade="first")
    with pytest.raises(ValidationError) as excinfo:
        services.set_award_quota(actor=city_staff, competition=competition, county=tree.county_a, quota=0)
    assert "quota" in excinfo.value.message_dict


def test_awards_wait_for_the_finish(city_staff, scored, tree):
    competition, stage, a, b = scored
    services.set_award_quota(actor=city_staff, competition=competition, county=tree.county_a, quota=3)
    with pytest.raises(ValidationError):
        services.give_award(actor=city_staff, team=a, grade="first")


# --- honors ---------------------------------------------------------------------------------


def test_the_same_honor_twice_is_refused(city_staff, tree):
    """One honor per person per kind and year (a database constraint; the service names the field)."""
    member = MemberFactory(organization=tree.union_a1a, name="钱劳模", id_number=id_number_for(700_010))
    honor = services.record_honor(actor=city_staff, kind=honor_kind(), level="city", year=YEAR,
                                  organization=tree.union_a1a, id_number=member.id_number)
    assert honor.member == member and honor.honoree == "钱劳模"
    with pytest.raises(ValidationError) as excinfo:
        services.record_honor(actor=city_staff, kind=honor_kind(), level="provincial", year=YEAR,
                              organization=tree.union_a1a, id_number=member.id_number)
    assert "already holds" in _field_error(excinfo, "id_number")
    # another year, or another kind, is another honor
    services.record_honor(actor=city_staff, kind=honor_kind(), level="provincial", year=YEAR + 1,
                          organization=tree.union_a1a, id_number=member.id_number)
    services.record_honor(actor=city_staff, kind=honor_kind("may_day_medal"), level="city", year=YEAR,
                          organization=tree.union_a1a, id_number=member.id_number)
    assert Honor.objects.count() == 3


def test_database_holds_one_honor_per_person_kind_and_year(city_staff, tree):
    from django.db import IntegrityError, transaction

    kwargs = {"kind": honor_kind(), "level": "city", "year": YEAR, "organization": tree.union_a1a,
              "honoree": "孙", "id_number": id_number_for(700_011), "recorded_by": city_staff}
    Honor.objects.create(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Honor.objects.create(**{**kwargs, "level": "county"})


def test_non_member_honoree_needs_a_name_and_a_valid_id(city_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        services.record_honor(actor=city_staff, kind=honor_kind(), level="city", year=YEAR,
                              organization=tree.union_a1a, id_number="123")
    assert "id_number" in excinfo.value.message_dict
    honor = services.record_honor(actor=city_staff, kind=honor_kind(), level="city", year=YEAR,
                                  organization=tree.union_a1a, id_number=id_number_for(700_012), honoree="李工")
    assert honor.member is None


def test_collective_honor_needs_no_id_and_is_once_per_year(city_staff, tree):
    kind = honor_kind("worker_pioneer")
    services.record_honor(actor=city_staff, kind=kind, level="city", year=YEAR, organization=tree.union_a1a,
                          honoree="甲公司检修班")
    with pytest.raises(ValidationError) as excinfo:
        services.record_honor(actor=city_staff, kind=kind, level="city", year=YEAR, organization=tree.union_a1a,
                              honoree="甲公司检修班")
    assert "honoree" in excinfo.value.message_dict


def test_county_staff_record_county_honors_only(county_staff, tree):
    with pytest.raises(ValidationError) as excinfo:
        services.record_honor(actor=county_staff, kind=honor_kind(), level="city", year=YEAR,
                              organization=tree.union_a1a, id_number=id_number_for(700_013), honoree="周")
    assert "level" in excinfo.value.message_dict
    services.record_honor(actor=county_staff, kind=honor_kind(), level="county", year=YEAR,
                          organization=tree.union_a1a, id_number=id_number_for(700_013), honoree="周")
    with pytest.raises(ValidationError) as excinfo:
        services.record_honor(actor=county_staff, kind=honor_kind(), level="county", year=YEAR,
                              organization=tree.union_b1, id_number=id_number_for(700_014), honoree="吴")
    assert "organization" in excinfo.value.message_dict


# --- innovation enterprises and the fund ------------------------------------------------------


def test_payment_over_the_budget_is_refused_with_the_remaining_amount(city_staff, tree, employer_a, employer_b):
    fund = make_fund(tree.city, "2000000.00")
    one = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR,
                                              granted="1500000")
    with pytest.raises(ValidationError) as excinfo:
        services.name_innovation_enterprise(actor=city_staff, employer=employer_b, level="city", year_named=YEAR,
                                            granted="600000")
    assert "500000.00 yuan left to grant" in _field_error(excinfo, "granted")
    services.record_fund_payment(actor=city_staff, enterprise=one, amount="1000000", paid_on=datetime.date(YEAR, 6, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.record_fund_payment(actor=city_staff, enterprise=one, amount="600000.00",
                                     paid_on=datetime.date(YEAR, 7, 1))
    assert "500000.00 yuan of the enterprise's grant remain unpaid" in _field_error(excinfo, "amount")
    assert services.fund_position(fund)["paid"] == Decimal("1000000.00")
    assert FundPayment.objects.count() == 1


def test_fund_budget_caps_payments_even_when_grants_were_larger(city_staff, tree, employer_a):
    """A budget lowered after the grants (admin) still caps what is paid."""
    fund = make_fund(tree.city, "2000000.00")
    one = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR,
                                              granted="1000000")
    fund.budget = Decimal("300000.00")
    fund.save()
    with pytest.raises(ValidationError) as excinfo:
        services.record_fund_payment(actor=city_staff, enterprise=one, amount="400000",
                                     paid_on=datetime.date(YEAR, 6, 1))
    assert "The special fund has 300000.00 yuan left" in _field_error(excinfo, "amount")


def test_county_staff_name_county_enterprises_without_fund(county_staff, tree, employer_a, employer_b):
    make_fund(tree.city)
    with pytest.raises(ValidationError) as excinfo:
        services.name_innovation_enterprise(actor=county_staff, employer=employer_a, level="city", year_named=YEAR)
    assert "level" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.name_innovation_enterprise(actor=county_staff, employer=employer_a, level="county",
                                            year_named=YEAR, granted="1000")
    assert "granted" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.name_innovation_enterprise(actor=county_staff, employer=employer_b, level="county", year_named=YEAR)
    assert "employer" in excinfo.value.message_dict
    services.name_innovation_enterprise(actor=county_staff, employer=employer_a, level="county", year_named=YEAR)
    with pytest.raises(ValidationError) as excinfo:
        services.name_innovation_enterprise(actor=county_staff, employer=employer_a, level="county", year_named=YEAR)
    assert "already" in _field_error(excinfo, "employer")
    assert InnovationEnterprise.objects.count() == 1


def test_county_staff_may_not_pay_from_the_city_fund(county_staff, city_staff, tree, employer_a):
    make_fund(tree.city)
    one = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR,
                                              granted="1000")
    with pytest.raises(PermissionDenied):
        services.record_fund_payment(actor=county_staff, enterprise=one, amount="10", paid_on=datetime.date.today())


def test_outcome_reported_by_the_covering_union(branch_officer, city_staff, sibling_officer, tree, employer_a):
    one = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR)
    outcome = services.report_outcome(actor=branch_officer, enterprise=one, year=YEAR, kind="patent", count=3,
                                      description="三项实用新型专利")
    assert outcome.count == 3
    with pytest.raises(Http404):
        services.report_outcome(actor=sibling_officer, enterprise=one, year=YEAR, kind="patent", count=1)
    with pytest.raises(ValidationError) as excinfo:
        services.report_outcome(actor=branch_officer, enterprise=one, year=YEAR, kind="patent", count=0)
    assert "count" in excinfo.value.message_dict


def test_competition_data_helper_is_valid():
    assert competition_data()["kind"] == "key_project"
