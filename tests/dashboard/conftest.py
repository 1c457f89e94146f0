import datetime
from decimal import Decimal

import pytest

from apps.assistance.choices import FileStatus
from apps.assistance.models import AssistanceRecord, LegalAidCase, Visit, VisitProblem
from apps.members.models import MemberStatus, WorkerCategory
from tests.assistance.factories import advance, living_standards, make_file
from tests.employers.factories import DemonstrationSiteFactory, EmployerFactory, WorkInstructorFactory
from tests.members.factories import MemberFactory, id_number_for

# The dashboard tests ask for fixed periods (period=range / month), so "this year" and "last
# year" are these and nothing depends on the day the tests run.
YEAR = 2025
NOW = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
BEFORE = (datetime.date(YEAR - 1, 1, 1), datetime.date(YEAR - 1, 12, 31))
PERIOD = {"period": "range", "from": NOW[0].isoformat(), "to": NOW[1].isoformat()}


def day(year: int, month: int, d: int = 15) -> datetime.date:
    return datetime.date(year, month, d)


@pytest.fixture
def figures_world(tree, settings, tmp_path, branch_officer, county_staff, city_staff):
    """Rows in county A (union A1a, A1b) and county B (union B1), in both years, of every
    area the dashboard counts; some outside every figure (withdrawn, closed, pending)."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    living_standards(tree.county_a, tree.county_b)
    n = iter(range(700_000, 800_000))
    for org, category, joined, status in [
        (tree.union_a1a, WorkerCategory.REGULAR, day(YEAR, 3), MemberStatus.ACTIVE),
        (tree.union_a1a, WorkerCategory.MIGRANT, day(YEAR, 3), MemberStatus.ACTIVE),
        (tree.union_a1a, WorkerCategory.NEW_EMPLOYMENT, day(YEAR, 7), MemberStatus.RETAINED),
        (tree.union_a1a, WorkerCategory.REGULAR, day(YEAR - 1, 3), MemberStatus.ACTIVE),
        (tree.union_a1a, WorkerCategory.REGULAR, day(YEAR, 5), MemberStatus.WITHDRAWN),
        (tree.union_a1b, WorkerCategory.DISPATCHED, day(YEAR - 1, 11), MemberStatus.ACTIVE),
        (tree.union_b1, WorkerCategory.REGULAR, day(YEAR, 1), MemberStatus.ACTIVE),
        (tree.union_b1, WorkerCategory.NEW_EMPLOYMENT, day(YEAR - 1, 1), MemberStatus.ACTIVE),
        (tree.union_b1, WorkerCategory.REGULAR, None, MemberStatus.ACTIVE),
    ]:
        MemberFactory(organization=org, worker_category=category, joined_on=joined, status=status,
                      id_number=id_number_for(next(n)))
    for county, township, union, headcount, established, status in [
        (tree.county_a, tree.township_a1, tree.union_a1a, 30, day(YEAR, 4), "active"),
        (tree.county_a, tree.township_a1, tree.union_a1a, 60, day(YEAR - 1, 4), "active"),
        (tree.county_a, tree.township_a1, None, 80, None, "active"),
        (tree.county_a, tree.township_a1, None, 10, None, "active"),
        (tree.county_a, tree.township_a1, tree.union_a1b, 100, day(YEAR, 6), "closed"),
        (tree.county_b, None, tree.union_b1, 55, day(YEAR, 2), "active"),
        (tree.county_b, None, None, 26, None, "active"),
    ]:
        EmployerFactory(county=county, township=township, covering_union=union, headcount=headcount,
                        union_established_on=established, status=status, is_new_sector=headcount in (30, 26, 10),
                        new_sector_kind="courier" if headcount in (30, 26) else "")
    WorkInstructorFactory(county=tree.county_a, sent_by=tree.county_a)
    WorkInstructorFactory(county=tree.county_b, sent_by=tree.county_b)
    WorkInstructorFactory(county=tree.county_b, sent_by=tree.county_b, status="ended",
                          ended_on=day(YEAR, 6))
    DemonstrationSiteFactory(organization=tree.union_a1a)
    DemonstrationSiteFactory(organization=tree.union_b1)
    users = {"officer": branch_officer, "county": county_staff, "city": city_staff}
    active_a = advance(make_file(branch_officer, tree.union_a1a), FileStatus.ACTIVE, **users)
    make_file(branch_officer, tree.union_a1a)  # a draft
    officer_b = _officer(tree.union_b1)
    county_b = _county_clerk(tree.county_b)
    active_b = advance(make_file(officer_b, tree.union_b1), FileStatus.ACTIVE,
                       officer=officer_b, county=county_b, city=city_staff)
    for file, kind, amount, given, source, status in [
        (active_a, "winter_warmth", "300.00", day(YEAR, 1), "upper_subsidy", "approved"),
        (active_a, "medical", "1200.50", day(YEAR, 7), "own_funds", "approved"),
        (active_a, "summer_cooling", "100.00", day(YEAR - 1, 7), "special_fund", "approved"),
        (active_a, "medical", "9000.00", day(YEAR, 8), "own_funds", "pending"),
        (active_b, "autumn_education", "2000.00", day(YEAR, 9), "donation", "approved"),
    ]:
        AssistanceRecord.objects.create(file=file, organization=file.organization, kind=kind, amount=Decimal(amount),
                                        given_on=given, fund_source=source, delivered_by="工会", status=status,
                                        recorded_by=city_staff)
    for file, visited, solved_on in [
        (active_a, day(YEAR, 2), day(YEAR, 3)),
        (active_a, day(YEAR, 4), None),
        (active_b, day(YEAR - 1, 4), day(YEAR - 1, 5)),
    ]:
        visit = Visit.objects.create(file=file, visited_on=visited, visitors="王强", findings="…", recorded_by=city_staff)
        VisitProblem.objects.create(
            visit=visit, file=file, description="修屋顶", due_on=visited,
            status="solved" if solved_on else "open", solved_on=solved_on, solved_by=city_staff if solved_on else None)
    for org, opened in [(tree.union_a1a, day(YEAR, 3)), (tree.union_a1a, day(YEAR - 1, 3)), (tree.union_b1, day(YEAR, 5))]:
        LegalAidCase.objects.create(organization=org, worker_name="李四", dispute_kind="wages", handler="律师",
                                    opened_on=opened, recorded_by=city_staff)
    return tree


def _officer(union):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory
    return UserFactory(username=f"officer_{union.code}", role=Role.BRANCH_OFFICER, organization=union)


def _county_clerk(county):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory
    return UserFactory(username=f"clerk_{county.code}", role=Role.COUNTY_STAFF, organization=county)
