import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.members import selectors
from apps.members.models import Transfer
from apps.organizations.models import Organization
from demo.accounts import DEMO_PASSWORD
from demo.organizations import build_plan

K = Organization.Kind
COUNTIES = {
    "371302": "兰山区", "371311": "罗庄区", "371312": "河东区", "371322": "郯城县", "371324": "兰陵县",
    "371323": "沂水县", "371321": "沂南县", "371326": "平邑县", "371325": "费县", "371328": "蒙阴县",
    "371327": "莒南县", "371329": "临沭县",
}
ZONES = {"371371": "临沂经济技术开发区", "371372": "临沂高新技术产业开发区", "371373": "临沂临港经济开发区"}
UNION_KINDS = (K.GRASSROOTS, K.JOINT_GRASSROOTS, K.VILLAGE)


def _seed(scale="small") -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", scale, stdout=out)
    return out.getvalue()


def _counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


@pytest.fixture
def seeded(db, settings):
    # The real hasher costs ~0.3 s per demo user and per login; the rule tested here is not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return _seed()


def test_seeding_twice_creates_nothing_new(seeded):
    first = _counts()
    _seed()
    assert _counts() == first


def test_small_demo_is_the_city_its_twelve_counties_three_zones_townships_and_unions(seeded):
    city = Organization.objects.get(code="3713", kind=K.CITY_FEDERATION)
    assert city.name == "临沂市总工会"
    counties = {o.code: o.name for o in Organization.objects.filter(kind=K.COUNTY_FEDERATION, parent=city)}
    assert counties == {code: f"{name}总工会" for code, name in (COUNTIES | ZONES).items()}
    _assert_small_scale_has_townships_in_every_county_and_a_few_hundred_unions()
    _assert_every_node_has_path_depth_and_county_derived_from_its_parent()


def _assert_small_scale_has_townships_in_every_county_and_a_few_hundred_unions():
    for county in Organization.objects.filter(kind=K.COUNTY_FEDERATION):
        assert Organization.objects.filter(parent=county, kind=K.TOWNSHIP_FEDERATION).count() >= 3
        assert Organization.objects.filter(county=county, kind__in=UNION_KINDS).exists()
    assert 300 <= Organization.objects.filter(kind__in=UNION_KINDS).count() <= 400
    assert Organization.objects.filter(kind=K.INDUSTRY_FEDERATION).exists()


def _assert_every_node_has_path_depth_and_county_derived_from_its_parent():
    nodes = {o.pk: o for o in Organization.objects.all()}
    for org in nodes.values():
        parent = nodes.get(org.parent_id)
        if parent is None:
            assert (org.kind, org.path, org.depth, org.county_id) == (K.CITY_FEDERATION, "/3713/", 0, None)
            continue
        assert org.path == Organization.build_path(parent.path, org.code)
        assert org.depth == parent.depth + 1
        if org.kind == K.COUNTY_FEDERATION:
            assert org.county_id == org.pk
        else:
            assert org.county_id == (parent.pk if parent.kind == K.COUNTY_FEDERATION else parent.county_id)


def test_one_demo_user_per_role_and_an_administrator_who_can_log_in(seeded):
    users = {u.username: u for u in User.objects.select_related("organization")}
    assert users["city_staff"].role == Role.CITY_STAFF and users["city_staff"].organization.code == "3713"
    county = users["county_staff"]
    assert county.role == Role.COUNTY_STAFF and county.organization.code == "371302"
    branch = users["branch_officer"]
    assert branch.role == Role.BRANCH_OFFICER and branch.organization.kind == K.GRASSROOTS
    assert branch.organization.county.code == "371302"
    assert users["leader"].role == Role.LEADER
    assert users["admin"].is_superuser and users["admin"].is_staff

    # printed, and each can log in with the printed password
    assert DEMO_PASSWORD in seeded
    for username in users:
        assert username in seeded
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == reverse("home"), username
        assert client.get(reverse("home")).status_code == 200


def test_plan_is_deterministic():
    assert build_plan(random.Random(7), "small") == build_plan(random.Random(7), "small")


def test_city_scale_plan_has_about_eleven_thousand_organizations():
    counties, (level2, level3), facts = build_plan(random.Random(7), "city")
    total = 1 + len(counties) + len(level2) + len(level3)
    assert 10_500 <= total <= 11_500
    assert 150 <= sum(1 for n in level2 if n.kind == K.TOWNSHIP_FEDERATION) <= 170
    codes = [n.code for n in (*counties, *level2, *level3)]
    assert len(codes) == len(set(codes))
    assert all(len(code) <= 32 for code in codes)
    assert sum(len(v) for v in facts["unions_by_county"].values()) < len(level3)  # city industry unions too


def test_seeded_tables_have_planner_statistics(seeded):
    # reltuples is -1 until ANALYZE (or VACUUM) has run; without statistics the planner
    # took the whole tree for 7 organizations and a city-wide filter took seconds.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('organizations_organization', 'members_member', 'employers_employer')"
        )
        stats = dict(cursor.fetchall())
    assert len(stats) == 3 and all(tuples > 0 for tuples in stats.values()), stats


def test_the_demo_has_pending_transfers_in_each_direction_and_one_overdue(db):
    """A new user finds something on every transfer tab (issue 14, 4.14): the branch officer
    has requests to decide and requests of its own waiting, the county clerk an overdue one."""
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    officer = User.objects.get(username="branch_officer")
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING)
    to_decide = pending.filter(to_organization=officer.organization, initiated_by_side=Transfer.Side.SENDING)
    asked = pending.filter(to_organization=officer.organization, initiated_by_side=Transfer.Side.RECEIVING)
    assert to_decide.count() == 2 and asked.count() == 2
    overdue = selectors.overdue_transfers(
        actor=User.objects.get(username="county_staff"),
        older_than=datetime.timedelta(days=14), now=timezone.now(),
    )
    assert len(list(overdue)) == 1
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    assert Transfer.objects.count() == 4  # a second run adds none
