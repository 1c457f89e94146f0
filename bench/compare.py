"""The same work done the way users would otherwise do it, measured in the same run.

- the Django admin changelist for members with a search box, with Django's defaults and
  as a competent developer would configure it (throwaway ModelAdmins on their own
  AdminSites, bench/admin_urls.py: never registered with the portal's admin);
- django-import-export importing the same 10,000-row file (bench/member_resource.py), with
  its defaults and with its bulk options;
- plain PostgreSQL COPY of the same rows: the floor no importer can beat.

Each write runs inside a transaction that is rolled back after its deferred foreign-key
checks (what a real COMMIT would pay); the tables are vacuumed afterwards.
"""

import time

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from apps.members.models import Member
from demo.members import copy_rows

from . import admin_urls
from .pages import logged_in_client
from .stats import time_repeatedly


class Rollback(Exception):
    """Raised to leave a transaction.atomic block rolled back."""


def rolled_back(action):
    """Run `action()` in a transaction that is rolled back; return its result."""
    result = None
    try:
        with transaction.atomic():
            result = action()
            raise Rollback
    except Rollback:
        pass
    return result


def check_deferred_constraints() -> None:
    """Run the foreign-key checks PostgreSQL defers to COMMIT now, inside the timed work:
    a rolled-back write would otherwise never pay for them."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def vacuum(*tables: str) -> None:
    """Clear the dead rows a rolled-back write leaves in the tables and their indexes, so
    that the next measurement starts from the same state (autovacuum may be off). Skipped
    inside a transaction (a test's), where VACUUM cannot run."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM " + ", ".join(connection.ops.quote_name(t) for t in tables))


# --- Django admin search ---------------------------------------------------------------

def admin_search_timing(admin_user, term: str | None, *, repeats: int, warmup: int, tuned: bool = False) -> dict:
    """p50/p95 of the admin changelist searching `term` (None: its first page), as a
    superuser; `tuned`: the competently configured admin (see admin_urls.py)."""
    url = admin_urls.TUNED_CHANGELIST_URL if tuned else admin_urls.CHANGELIST_URL
    with override_settings(ROOT_URLCONF="bench.admin_urls"):
        client = logged_in_client(admin_user)

        def search():
            response = client.get(url, {"q": term} if term is not None else {}, secure=True)
            assert response.status_code == 200, response.status_code

        return time_repeatedly(search, repeats=repeats, warmup=warmup).as_dict()


# --- imports -------------------------------------------------------------------------------

COPY_COLUMNS = (
    "name", "id_number", "sex", "birth_date", "phone", "ethnicity", "political_status", "education",
    "employer_name", "joined_on", "worker_category", "card_number", "organization_id", "status",
    "status_reason", "created_at", "updated_at",
)


def copy_floor_seconds(records: list[dict], organization) -> float:
    """COPY the already-clean rows into the member table (indexes included), rolled back."""
    now = timezone.now()
    defaults = {"organization_id": organization.pk, "status": "active", "status_reason": "",
                "created_at": now, "updated_at": now}
    columns = [c for c in COPY_COLUMNS if c in {f.attname for f in Member._meta.concrete_fields}]

    def copy():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            copy_rows(cursor.cursor, Member._meta.db_table, columns, ({**defaults, **r} for r in records))
        check_deferred_constraints()
        return time.perf_counter() - started

    try:
        return rolled_back(copy)
    finally:
        vacuum(Member._meta.db_table)


def import_export_seconds(path, organization, *, bulk: bool = False) -> tuple[float, int]:
    """django-import-export importing the file, rolled back: with its defaults, or with its
    bulk options (use_bulk, skip_diff, batch_size)."""
    import tablib

    from bench.member_resource import member_resource_for

    resource = member_resource_for(organization, bulk=bulk)()

    def run():
        started = time.perf_counter()
        with open(path, "rb") as handle:
            dataset = tablib.Dataset().load(handle.read(), format=path.suffix.lstrip("."))
        result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
        check_deferred_constraints()
        return time.perf_counter() - started, result.totals.get("new", 0)

    try:
        return rolled_back(run)
    finally:
        vacuum(Member._meta.db_table, Member.history.model._meta.db_table)
