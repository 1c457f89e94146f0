"""The read-replica router against a real streaming replica (issue 21 items 1-2).

Each test writes on the primary and looks at where the portal's reads went: on the replica's
own connection (queries captured there) and by what they saw (a replica paused in its replay
does not have the newest row). Rows are committed (transaction=True): a replica only ever sees
committed rows.
"""

import time

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.members.exports import write_members_xlsx
from apps.members.models import Member
from apps.organizations.models import Organization
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory
from unionportal import db_router
from unionportal.celery import app as celery_app

# No django_db marker: `routed` asks for transactional_db itself, after pointing `default` at
# the pair's primary (conftest.py).
pytestmark = pytest.mark.replica

LAG_TIMEOUT = 10


def where(code: str) -> tuple[str, bool]:
    """The database a routed read of this organization goes to, and whether it finds it."""
    queryset = Organization.objects.filter(code=code)
    return queryset.db, queryset.exists()


def test_a_row_written_on_the_primary_appears_on_the_replica(routed):
    organization = OrganizationFactory(code="RPL1", name="复制测试工会")

    routed.wait_for_replay()

    assert Organization.objects.using(routed.alias).get(code="RPL1").name == organization.name
    with connections[routed.alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a standby, not a second primary


def test_the_dashboard_reads_through_the_replica(routed, client, city_staff):
    client.force_login(city_staff)
    routed.wait_for_replay()

    with CaptureQueriesContext(connections[routed.alias]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get("/dashboard/")

    assert response.status_code == 200
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "pg_last_xact_replay_timestamp" in replica_sql  # the lag was checked, on the replica
    assert '"organizations_organization"' in replica_sql
    assert '"members_' in replica_sql  # the dashboard's member figures
    # What stays on the primary: the session (read at the start, saved at the end in a
    # transaction) and the user, whom the middleware reads before the view opts in.
    statements = [q["sql"] for q in on_primary.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert statements
    assert all(sql.split(" FROM ")[-1].startswith(('"django_session"', '"accounts_user"'))
               or sql.startswith('UPDATE "django_session"') for sql in statements), "\n".join(statements)


def test_a_page_that_did_not_opt_in_reads_the_primary(routed, client, city_staff):
    client.force_login(city_staff)
    routed.wait_for_replay()

    with CaptureQueriesContext(connections[routed.alias]) as on_replica:
        response = client.get("/organizations/")  # organizations:list is not in REPLICA_READ_VIEWS

    assert response.status_code == 200
    assert on_replica.captured_queries == []


def test_a_user_who_just_wrote_reads_the_primary_for_the_sticky_window(routed, client, city_staff, settings):
    """Read-your-writes: any non-safe request pins the sender's reads to the primary."""
    client.force_login(city_staff)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    stamp = response.cookies[db_router.STICKY_COOKIE]
    assert stamp["max-age"] == settings.REPLICA_STICKY_SECONDS
    assert 0 < int(stamp.value) - time.time() <= settings.REPLICA_STICKY_SECONDS
    routed.wait_for_replay()

    with CaptureQueriesContext(connections[routed.alias]) as pinned:
        assert client.get("/dashboard/").status_code == 200
    client.cookies[db_router.STICKY_COOKIE] = str(int(time.time()) - 1)  # the window has passed
    with CaptureQueriesContext(connections[routed.alias]) as after:
        assert client.get("/dashboard/").status_code == 200

    assert pinned.captured_queries == []
    assert after.captured_queries


def test_reads_after_a_write_in_the_same_unit_go_to_the_primary(routed):
    OrganizationFactory(code="RPL2")
    routed.wait_for_replay()
    routed.pause_replay()
    OrganizationFactory(code="RPL3")  # on the primary; the paused replica does not have it

    with db_router.replica_reads():
        assert where("RPL3") == ("replica1", False)  # the replica answered, without the new row
        Organization.objects.filter(code="RPL2").update(name="改名")  # a write...
        assert where("RPL3") == ("default", True)  # ... and every later read is the primary's


def test_transactions_and_row_locks_stay_on_the_primary(routed):
    OrganizationFactory(code="RPL4")
    routed.wait_for_replay()

    with db_router.replica_reads():
        assert Organization.objects.all().db == "replica1"
        with transaction.atomic():
            assert Organization.objects.all().db == "default"
            assert Organization.objects.select_for_update().get(code="RPL4").code == "RPL4"
        assert Organization.objects.select_for_update().db == "default"


def test_a_lagging_replica_sends_reads_to_the_primary_until_it_catches_up(routed, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 1.0
    OrganizationFactory(code="RPL5")
    routed.wait_for_replay()
    with db_router.replica_reads():
        assert where("RPL5") == ("replica1", True)

    routed.pause_replay()
    OrganizationFactory(code="RPL6")
    deadline = time.monotonic() + LAG_TIMEOUT
    while db_router.replica_lag_seconds(routed.alias) <= settings.REPLICA_MAX_LAG_SECONDS:
        assert time.monotonic() < deadline, "the paused replica never showed lag"
        time.sleep(0.2)
    with db_router.replica_reads():
        assert where("RPL6") == ("default", True)

    routed.resume_replay()
    routed.wait_for_replay()
    with db_router.replica_reads():
        assert where("RPL6") == ("replica1", True)


def test_the_lag_is_checked_at_most_once_per_interval_per_process(routed, settings):
    settings.REPLICA_LAG_CHECK_SECONDS = 60.0
    with CaptureQueriesContext(connections[routed.alias]) as on_replica:
        for _ in range(3):
            with db_router.replica_reads():
                Organization.objects.count()

    checks = [q for q in on_replica.captured_queries if "pg_last_xact_replay_timestamp" in q["sql"]]
    assert len(checks) == 1
    assert len(on_replica.captured_queries) == 4


def test_an_unreachable_replica_sends_reads_to_the_primary(routed, replica_pair):
    replica = connections[routed.alias]
    replica.close()
    replica.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        with db_router.replica_reads():
            assert where("RPL8") == ("default", False)
    finally:
        replica.close()
        replica.settings_dict["PORT"] = str(replica_pair.replica_port)


@celery_app.task(name="tests.replica.report_like_task")
def report_like_task(code: str) -> dict:
    """Reads members, stamps an organization (as a generation stamps its report), reads again."""
    before = {"members": Member.objects.all().db, "organizations": Organization.objects.all().db}
    Organization.objects.filter(code=code).update(name="已盖戳")
    after = {"members": Member.objects.all().db, "organizations": Organization.objects.all().db}
    return {"before": before, "after": after}


def test_a_task_that_opted_in_reads_the_replica_except_what_it_wrote(routed, settings):
    settings.REPLICA_READ_TASKS = [*settings.REPLICA_READ_TASKS, "tests.replica.*"]
    OrganizationFactory(code="RPL7")
    routed.wait_for_replay()

    seen = report_like_task.apply(args=["RPL7"]).get()  # signals task_prerun/postrun, as a worker

    assert seen["before"] == {"members": "replica1", "organizations": "replica1"}
    assert seen["after"] == {"members": "replica1", "organizations": "default"}
    assert Organization.objects.all().db == "default"  # outside the task: nothing opted in


def test_the_member_export_reads_its_rows_from_the_replica(routed, tree, tmp_path):
    MemberFactory.create_batch(3, organization=tree.union_a1a)
    routed.wait_for_replay()

    with db_router.replica_reads(), CaptureQueriesContext(connections[routed.alias]) as on_replica:
        rows = write_members_xlsx(Member.objects.order_by("pk"), str(tmp_path / "m.xlsx"), unmasked=False)

    assert rows == 3
    assert any('"members_member"' in q["sql"] for q in on_replica.captured_queries)
