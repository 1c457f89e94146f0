"""Two clerks acting on one file at the same moment cannot both succeed (issue 16 item 3).

Each clerk runs in its own thread, so on its own database connection and in its own
transaction, as two gunicorn workers would. The first locks the row (SELECT … FOR UPDATE)
and holds its transaction open; the second is made to wait for that lock, then finds the
file's version changed and is refused with "this file was just changed by …", having
written nothing.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from apps.assistance import services
from apps.assistance.choices import FileStatus
from apps.assistance.models import FileEvent, HardshipFile

pytestmark = pytest.mark.django_db(transaction=True)


def _blocked_on_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def _race(first, second):
    """Run `first` in a transaction that stays open until `second` (another connection) is
    waiting for the row lock; returns (first's result, second's result or exception, order)."""
    locked, release = threading.Event(), threading.Event()
    results: dict = {}
    second_pid: list[int] = []

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = first()
                locked.set()
                release.wait(10)
                results["first_committed"] = time.monotonic()
        finally:
            connection.close()

    def run_second():
        try:
            locked.wait(10)
            second_pid.append(connection.cursor().connection.info.backend_pid)
            try:
                results["second"] = second()
            except ValidationError as exc:
                results["second"] = exc
            results["second_done"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    locked.wait(10)
    deadline = time.monotonic() + 10
    while not (second_pid and _blocked_on_a_lock(second_pid[0])):
        assert time.monotonic() < deadline, "the second clerk never waited for the row lock"
        time.sleep(0.02)
    release.set()
    for thread in threads:
        thread.join(15)
    return results


def test_two_county_clerks_reviewing_and_rejecting_at_once_only_the_first_wins(
    file_at, county_staff, county_clerk_2
):
    file = file_at(FileStatus.SUBMITTED)
    seen = file.version  # both clerks opened the page showing this version
    county_staff.first_name = "李娜"
    county_staff.save()

    results = _race(
        lambda: services.review_file(actor=county_staff, file=file, expected_version=seen),
        lambda: services.reject_file(actor=county_clerk_2, file=file, expected_version=seen, reason="材料不全"),
    )

    refused = results["second"]
    assert isinstance(refused, ValidationError), refused
    assert refused.error_list[0].code == "stale"
    assert "李娜" in refused.messages[0]
    assert results["second_done"] > results["first_committed"], "the second did not wait for the first"
    file.refresh_from_db()
    assert file.status == FileStatus.REVIEWED and file.version == seen + 1
    actions = list(FileEvent.objects.filter(file=file).values_list("action", flat=True))
    assert actions.count("reviewed") == 1 and "rejected" not in actions


def test_two_city_clerks_approving_at_once_approve_once(file_at, city_staff, city_clerk_2):
    file = file_at(FileStatus.REVIEWED)
    seen = file.version
    results = _race(
        lambda: services.approve_file(actor=city_staff, file=file, expected_version=seen),
        lambda: services.approve_file(actor=city_clerk_2, file=file, expected_version=seen),
    )
    assert isinstance(results["second"], ValidationError)
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE and file.approved_by == city_staff
    assert FileEvent.objects.filter(file=file, action="approved").count() == 1
    assert HardshipFile.objects.get(pk=file.pk).version == seen + 1
