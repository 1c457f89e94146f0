"""The annual statistical return (统计年报, issue 20 item 6): opening, pre-filled figures, the
logic checks, confirmation, corrections, the sums and the reminders.

The rules encoded here follow the union's statistical survey as the federations run it:
- it is a full survey organized by the federation: every grassroots union (基层工会) fills its
  own form, the levels above collect, review and total them level by level (各级工会分别填报
  相应的统计调查表,并逐级上报 … 负责对本地方 … 的统计调查数据进行汇总审核 — Hubei Federation of
  Trade Unions, notice on the 2014 statistical survey under ACFTU 总工办发[2014]21号,
  https://wuhan.baogaosu.com/xinwen/…/23844786; 由市总工会统一组织,各地各单位工会负责具体
  实施,逐级完成年报调查表的填报、数据录入、汇总和审核工作 — Yichang Federation's 2014 notice,
  https://m.wenke99.com/p-193840.html);
- the survey is a departmental statistical survey under the Statistics Law (统计法 第十二条:
  部门统计调查项目由国务院有关部门制定 … 报国家统计局备案/审批), whose figures nobody may alter
  at will (第六条: 不得自行修改统计资料): a figure is changed only on record, with its reason;
- review: contradictory figures are hard errors cleared before reporting (及时消除硬性错误,
  避免带错上报 — Zoucheng statistics bureau, http://www.0996bzrcw.com/index.php/cms/item-view-id-10503.shtml),
  and a figure that moved more than a set share since last year (a common setting: 增幅不得
  超过30% … 必须附报详细说明 — https://m.zixin.com.cn/doc/1870250.html) needs a second look and
  an explanation. Which check only warns and which blocks is the city's setting.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from apps.notifications.models import Notification
from apps.notifications.reminders import run_reminder_rule
from apps.organizations.models import Organization
from apps.reports import return_services as services
from apps.reports.return_checks import (
    BLOCK,
    DEFAULT_MODES,
    MEMBERS_OVER_EMPLOYEES,
    MOVED_BEYOND_TOLERANCE,
    SHARE_OVER_100,
    WARN,
)
from apps.reports.return_figures import FIGURE_KEYS
from apps.reports.return_models import ReturnCorrection, ReturnUnit
from apps.reports.return_selectors import confirmed_sums
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory, id_number_for
from tests.organizations.factories import OrganizationFactory, bulk_children

from .helpers import sql_value

YEAR = 2026
DEADLINE = datetime.date(2027, 1, 31)
pytestmark = pytest.mark.django_db


def open_return(actor, year=YEAR, **modes):
    return services.open_return(actor=actor, year=year, deadline=DEADLINE, tolerance_percent=30,
                                check_modes={**DEFAULT_MODES, **modes})


def unit_of(statistical_return, organization) -> ReturnUnit:
    return ReturnUnit.objects.select_related("statistical_return", "organization").get(
        statistical_return=statistical_return, organization=organization)


def values(unit, **changes) -> dict:
    return {**services.unit_values(unit), **changes}


@pytest.fixture
def roll(tree):
    """Members of union A1a in every category, both sexes, joined in several years; a member
    who left (not counted); union B1's members; the ledger's employers covering A1a."""
    n = iter(range(900_000, 901_000))

    def member(org, joined, **kw):
        return MemberFactory(organization=org, joined_on=joined, id_number=id_number_for(next(n)), **kw)

    for category, count in (("regular", 5), ("migrant", 3), ("new_employment", 2), ("dispatched", 1)):
        for i in range(count):
            member(tree.union_a1a, datetime.date(2015 + i, 3, 1), worker_category=category)
    member(tree.union_a1a, datetime.date(YEAR, 6, 1), status="retained")
    member(tree.union_a1a, datetime.date(YEAR, 2, 1), status="withdrawn")
    for i in range(4):
        member(tree.union_b1, datetime.date(YEAR - 1, 5, 1 + i))
    EmployerFactory(county=tree.county_a, headcount=40, covering_union=tree.union_a1a)
    EmployerFactory(county=tree.county_a, headcount=25, covering_union=tree.union_a1a)
    EmployerFactory(county=tree.county_a, headcount=99, covering_union=tree.union_a1a, status="closed")
    EmployerFactory(county=tree.county_b, headcount=3, covering_union=tree.union_b1)


def test_opening_creates_one_unit_per_active_grassroots_level_union(tree, city_staff):
    """Units are the grassroots-level unions (基层工会调查表 is filled by each of them): grassroots,
    joint grassroots and village unions, active; federations total them, they fill none."""
    village = OrganizationFactory(code="CA1v", name="村工会", kind=Organization.Kind.VILLAGE, parent=tree.township_a1)
    OrganizationFactory(code="CA1x", name="已撤销工会", parent=tree.township_a1, status="dissolved")
    statistical_return = open_return(city_staff)
    units = set(ReturnUnit.objects.filter(statistical_return=statistical_return).values_list("organization_id", flat=True))
    assert units == {tree.union_a1a.pk, tree.union_a1b.pk, tree.union_b1.pk, village.pk}
    assert statistical_return.unit_count == 4


def test_prefilled_figures_equal_plain_sql_over_the_rows(tree, city_staff, roll):
    statistical_return = open_return(city_staff)
    unit = unit_of(statistical_return, tree.union_a1a)
    org = tree.union_a1a.pk
    current = "organization_id = %s AND status IN ('active', 'retained')"

    def members(extra="TRUE", *params):
        return sql_value(f"SELECT count(*) FROM members_member WHERE {current} AND {extra}", (org, *params))

    assert unit.members == members() == 12
    for category in ("regular", "migrant", "new_employment", "dispatched"):
        assert getattr(unit, category) == members("worker_category = %s", category)
    assert unit.women_members == members("sex = 'F'")
    assert unit.women_members > 0
    assert unit.new_members == members("extract(year FROM joined_on) = %s", YEAR) == 1
    assert unit.employees == sql_value(
        "SELECT sum(headcount) FROM employers_employer WHERE covering_union_id = %s AND status = 'active'", (org,)) == 65
    assert unit.committee_members is None  # no live source: the unit enters it
    assert unit.prefilled["members"] == 12
    # Last year's live figures (no return last year): members who had joined by its end.
    assert unit.baseline_year is None
    assert unit.baseline["members"] == members("joined_on < %s", datetime.date(YEAR, 1, 1))
    # A union covering no employer of the ledger: employees unknown, not zero.
    assert unit_of(statistical_return, tree.union_a1b).employees is None


def test_only_the_city_opens_a_return_once_a_year(tree, city_staff, county_staff, branch_officer):
    """The city federation organizes the year's survey (由市总工会统一组织)."""
    for user in (county_staff, branch_officer):
        with pytest.raises(PermissionDenied):
            open_return(user)
    open_return(city_staff)
    with pytest.raises(ValidationError) as exc:
        open_return(city_staff)
    assert "year" in exc.value.error_dict


def test_opening_for_many_units_is_a_bounded_number_of_queries(tree, city_staff, django_assert_max_num_queries):
    """Bulk: 11,000 units in the city; the queries do not grow with them (inserted in batches)."""
    bulk_children(tree.township_a1, 30, prefix="S")
    with django_assert_max_num_queries(15):
        small = open_return(city_staff, year=2024)
    bulk_children(tree.county_b, 400, prefix="L")
    with django_assert_max_num_queries(15):
        large = open_return(city_staff, year=2025)
    assert large.unit_count == small.unit_count + 400 == 433


def confirm(unit, officer, **changes):
    return services.save_unit(actor=officer, unit=unit, values=values(unit, committee_members=5, **changes),
                              confirm=True)


def test_the_unit_corrects_and_confirms_its_figures(tree, city_staff, branch_officer, roll):
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    unit, findings = confirm(unit, branch_officer, members=13, regular=6)
    unit.refresh_from_db()
    assert (unit.status, unit.members, unit.confirmed_by) == ("confirmed", 13, branch_officer)
    assert findings == []
    with pytest.raises(ValidationError):  # confirmed: no longer the unit's to change
        services.save_unit(actor=branch_officer, unit=unit, values=values(unit, members=1))


def test_confirming_needs_every_figure(tree, city_staff, branch_officer, roll):
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    with pytest.raises(ValidationError) as exc:
        services.save_unit(actor=branch_officer, unit=unit, values=values(unit), confirm=True)
    assert list(exc.value.error_dict) == ["committee_members"]


def test_a_blocking_check_refuses_confirmation_naming_the_field_and_writes_nothing(tree, city_staff, branch_officer,
                                                                                  roll):
    """Members above employees (a membership rate above 100 %) is a hard error when the city
    sets it to block: refused with the field named, in Chinese and English; nothing written."""
    unit = unit_of(open_return(city_staff, **{MEMBERS_OVER_EMPLOYEES: BLOCK}), tree.union_a1a)
    for language, words in (("en", "members"), ("zh-hans", "会员人数")):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            confirm(unit, branch_officer, employees=10)
        assert words in " ".join(exc.value.message_dict["members"])
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.committee_members, unit.saved_at) == ("not_started", 65, None, None)


def test_a_warning_check_lets_the_unit_confirm_and_is_reported(tree, city_staff, branch_officer, roll):
    unit = unit_of(open_return(city_staff, **{MEMBERS_OVER_EMPLOYEES: WARN}), tree.union_a1a)
    unit, findings = confirm(unit, branch_officer, employees=10)
    assert unit.status == "confirmed"
    assert [(f.check, f.field, f.mode) for f in findings] == [(MEMBERS_OVER_EMPLOYEES, "members", WARN)]


def test_a_part_above_its_whole_is_a_share_above_100_percent(tree, city_staff, branch_officer, roll):
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    with pytest.raises(ValidationError) as exc:
        confirm(unit, branch_officer, women_members=50)
    assert "women_members" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        confirm(unit, branch_officer, regular=12)  # each within the members, but they add up to 18 of 12
    assert list(exc.value.error_dict) == ["regular"]
    assert "18" in exc.value.message_dict["regular"][0]
    assert SHARE_OVER_100 in DEFAULT_MODES


def test_tolerance_compares_with_last_years_confirmed_return(tree, city_staff, branch_officer, roll):
    """A figure moving more than the city's tolerance since last year's confirmed figures is flagged."""
    last = unit_of(open_return(city_staff, year=YEAR - 1), tree.union_a1a)
    confirm(last, branch_officer, members=8, regular=2, women_members=4, new_members=1, employees=65)
    unit = unit_of(open_return(city_staff, **{MOVED_BEYOND_TOLERANCE: BLOCK}), tree.union_a1a)
    assert (unit.baseline_year, unit.baseline["members"]) == (YEAR - 1, 8)
    with pytest.raises(ValidationError) as exc:
        confirm(unit, branch_officer)  # 12 members against 8: +50 % > 30 %
    assert "members" in exc.value.error_dict
    unit, findings = confirm(unit, branch_officer, members=10, regular=2, women_members=5)  # +25 %: passes
    assert (unit.status, findings) == ("confirmed", [])


def test_tolerance_without_last_years_return_compares_with_last_years_live_figure(tree, city_staff, branch_officer,
                                                                                  roll):
    unit = unit_of(open_return(city_staff, **{MOVED_BEYOND_TOLERANCE: WARN}), tree.union_a1a)
    assert unit.baseline["members"] == 11
    _unit, findings = confirm(unit, branch_officer, members=20, regular=13)
    assert {(f.check, f.field) for f in findings} >= {(MOVED_BEYOND_TOLERANCE, "members")}


def test_a_correction_above_keeps_who_when_old_new_and_reason(tree, city_staff, county_staff, branch_officer, roll):
    """A reported figure changes only on record (统计法 第六条), by a level above the unit."""
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    confirm(unit, branch_officer)
    correction = services.correct_figure(actor=county_staff, unit=unit, figure="committee_members", value=7,
                                         reason="按换届选举结果更正")
    unit.refresh_from_db()
    assert (unit.committee_members, unit.status) == (7, "confirmed")
    assert (correction.old_value, correction.new_value, correction.by, correction.reason) == (
        5, 7, county_staff, "按换届选举结果更正")
    assert ReturnCorrection.objects.filter(unit=unit).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.correct_figure(actor=county_staff, unit=unit, figure="members", value=3, reason="  ")
    assert "reason" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:  # would bring in a blocking finding
        services.correct_figure(actor=county_staff, unit=unit, figure="women_members", value=99, reason="x")
    assert "value" in exc.value.error_dict
    assert ReturnCorrection.objects.filter(unit=unit).count() == 1


def test_only_a_federation_above_in_scope_corrects(tree, city_staff, branch_officer, county_b_staff, roll):
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    with pytest.raises(PermissionDenied):
        services.correct_figure(actor=branch_officer, unit=unit, figure="members", value=1, reason="x")
    with pytest.raises(Http404):
        services.correct_figure(actor=county_b_staff, unit=unit, figure="members", value=1, reason="x")


def test_a_branch_officer_cannot_confirm_a_siblings_unit(tree, city_staff, sibling_officer, roll):
    unit = unit_of(open_return(city_staff), tree.union_a1a)
    with pytest.raises(Http404):
        confirm(unit, sibling_officer)


def test_city_and_county_sums_of_confirmed_figures_equal_plain_sql(tree, city_staff, county_staff, branch_officer,
                                                                  officer_b1, roll):
    statistical_return = open_return(city_staff, **{MOVED_BEYOND_TOLERANCE: WARN})
    confirm(unit_of(statistical_return, tree.union_a1a), branch_officer, members=14, regular=8)
    confirm(unit_of(statistical_return, tree.union_b1), officer_b1, employees=9)
    # A1b saved but not confirmed: not in the sums.
    a1b = unit_of(statistical_return, tree.union_a1b)
    services.save_unit(actor=sibling_officer_of(tree), unit=a1b, values=values(a1b, members=100, regular=100,
                                                                                  employees=100))

    def sql(column, path):
        return sql_value(
            f"SELECT coalesce(sum(u.{column}), 0) FROM reports_returnunit u JOIN organizations_organization o "
            f"ON o.id = u.organization_id WHERE u.statistical_return_id = %s AND u.status = 'confirmed' "
            f"AND o.path LIKE %s", (statistical_return.pk, path + "%"))

    _counties, city_total = confirmed_sums(actor=city_staff, statistical_return=statistical_return)
    _counties, county_total = confirmed_sums(actor=county_staff, statistical_return=statistical_return)
    for key in FIGURE_KEYS:
        assert city_total[key] == sql(key, tree.city.path), key
        assert county_total[key] == sql(key, tree.county_a.path), key
    assert (city_total["members"], county_total["members"], city_total["units"]) == (18, 14, 2)


def sibling_officer_of(tree):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    return UserFactory(username="branch_a1b_2", role=Role.BRANCH_OFFICER, organization=tree.union_a1b)


def test_reminders_reach_unconfirmed_units_officers_once(tree, city_staff, county_staff, branch_officer,
                                                        sibling_officer, officer_b1, roll):
    """The rule (beat, daily) and "remind now" tell each officer of an unconfirmed unit once per
    stage / per day, however often they run (the notification's key)."""
    statistical_return = open_return(city_staff)
    confirm(unit_of(statistical_return, tree.union_b1), officer_b1, employees=9)
    week_before = DEADLINE - datetime.timedelta(days=3)
    assert run_reminder_rule("reports.return_unconfirmed", today=DEADLINE - datetime.timedelta(days=20)) == []
    first = run_reminder_rule("reports.return_unconfirmed", today=week_before)
    again = run_reminder_rule("reports.return_unconfirmed", today=week_before + datetime.timedelta(days=1))
    assert len(first) == 2 and again == []
    told = set(Notification.objects.filter(kind="reports.return_unconfirmed").values_list("recipient_id", flat=True))
    assert told == {branch_officer.pk, sibling_officer.pk}  # B1 confirmed: not reminded
    overdue = run_reminder_rule("reports.return_unconfirmed", today=DEADLINE + datetime.timedelta(days=1))
    assert len(overdue) == 2
    # "Remind now" by county A: its unconfirmed units only, once a day.
    assert services.remind_unconfirmed(actor=county_staff, statistical_return=statistical_return,
                                       today=week_before) == 2
    assert services.remind_unconfirmed(actor=county_staff, statistical_return=statistical_return,
                                       today=week_before) == 0
    # Of the rule's kind: the rule's daily task sends their e-mails with its own.
    assert set(Notification.objects.filter(key__contains=":manual-").values_list("kind", flat=True)) == {
        "reports.return_unconfirmed"}
    assert services.remind_unconfirmed(actor=city_staff, statistical_return=statistical_return,
                                       today=week_before) == 0
    with pytest.raises(PermissionDenied):
        services.remind_unconfirmed(actor=branch_officer, statistical_return=statistical_return)
