import datetime
from decimal import Decimal

import pytest

from apps.accounts.roles import Role
from apps.assistance import services_aid
from apps.members.models import Member, Transfer
from tests.accounts.factories import UserFactory
from tests.assistance.factories import advance, living_standards, make_file
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory, TransferFactory, id_number_for

MONTH = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_b_staff(tree):
    return UserFactory(username="county_b", role=Role.COUNTY_STAFF, organization=tree.county_b)


@pytest.fixture
def officer_b1(tree):
    return UserFactory(username="branch_b1", role=Role.BRANCH_OFFICER, organization=tree.union_b1)


@pytest.fixture
def records(tree, branch_officer, officer_b1, county_staff, county_b_staff, city_staff):
    """A small year of records in both counties: members joined, moved and left in October
    2026 and other months; assistance given in October and September from two fund sources."""
    living_standards(tree.county_a, tree.county_b)
    n = iter(range(700_000, 800_000))

    def member(org, joined, **kw):
        return MemberFactory(organization=org, joined_on=joined, id_number=id_number_for(next(n)), **kw)

    for day in (1, 15, 31):
        member(tree.union_a1a, datetime.date(2026, 10, day))
    member(tree.union_a1b, datetime.date(2026, 9, 30))
    member(tree.union_b1, datetime.date(2026, 10, 2), worker_category="new_employment")
    member(tree.city, datetime.date(2026, 10, 3))  # a member directly under the city
    member(tree.union_a1a, datetime.date(2019, 1, 1), status=Member.Status.WITHDRAWN,
           status_changed_on=datetime.date(2026, 10, 20))
    member(tree.union_b1, datetime.date(2019, 1, 1), status=Member.Status.DECEASED,
           status_changed_on=datetime.date(2026, 11, 1))
    moved = member(tree.union_b1, datetime.date(2018, 3, 1), status=Member.Status.TRANSFERRED_OUT)
    TransferFactory(member=moved, from_organization=tree.union_b1, to_organization=tree.union_a1a,
                    status=Transfer.Status.CONFIRMED, requested_by=branch_officer,
                    decided_at=datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    moved2 = member(tree.union_a1a, datetime.date(2018, 3, 1), status=Member.Status.TRANSFERRED_OUT)
    TransferFactory(member=moved2, from_organization=tree.union_a1a, to_organization=tree.union_a1b,
                    status=Transfer.Status.CONFIRMED, requested_by=branch_officer,
                    decided_at=datetime.datetime(2026, 10, 5, 10, 0, tzinfo=datetime.timezone.utc))
    # The ledger: 60 and 55 employees (one covered), 30 employees (covered), 10 (not): 50+ is 50 %, 25+ is 66.7 %.
    EmployerFactory(county=tree.county_a, headcount=60, covering_union=tree.union_a1a)
    EmployerFactory(county=tree.county_b, headcount=55)
    EmployerFactory(county=tree.county_a, headcount=30, covering_union=tree.union_a1b)
    EmployerFactory(county=tree.county_b, headcount=10)
    file_a = advance(make_file(branch_officer, tree.union_a1a, head_name="甲户"), "active",
                     officer=branch_officer, county=county_staff, city=city_staff)
    file_b = advance(make_file(officer_b1, tree.union_b1, head_name="丙户"), "active",
                     officer=officer_b1, county=county_b_staff, city=city_staff)
    given = [
        (file_a, branch_officer, "living", "500.00", "2026-10-08", "own_funds"),
        (file_a, branch_officer, "medical", "1200.50", "2026-10-31", "upper_subsidy"),
        (file_a, branch_officer, "living", "300.00", "2026-09-30", "own_funds"),
        (file_b, officer_b1, "winter_warmth", "800.00", "2026-10-12", "donation"),
    ]
    for file, officer, kind, amount, day, source in given:
        services_aid.record_assistance(actor=officer, file=file, data={
            "kind": kind, "amount": amount, "given_on": day, "fund_source": source, "delivered_by": "工会"})
    return {"file_a": file_a, "file_b": file_b, "amounts": [Decimal(g[3]) for g in given]}
