"""The kept member figures (issue 15): after every kind of write they equal a plain count
over the members, also when two roster commits run at once; the recount finds and repairs
drift; the count boxes read them.

Each check compares the whole table with `plain_counts()`, a count over members_member
written here in SQL, independently of apps.members.counts.
"""

import datetime
import logging
import threading

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.imports import attempts, committing
from apps.imports.committing import run_commit
from apps.imports.models import ImportJob
from apps.imports.services import ImportRefused, commit_import, create_import_job, request_commit
from apps.imports.validation import run_validation
from apps.members import counts, selectors, services
from apps.members.models import Member, OrganizationMemberCount, Transfer
from apps.members.roster.importer import RosterImporter
from apps.members.tasks import recount_member_figures
from apps.organizations.services import dissolve_organization, merge_organization
from tests.accounts.factories import UserFactory
from tests.assistance.factories import advance, living_standards, make_file
from tests.members.factories import MemberFactory
from tests.members.roster_files import person_id, person_name, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

FIGURES = OrganizationMemberCount.FIGURES
PLAIN_COUNTS_SQL = """
    WITH m AS (SELECT * FROM members_member WHERE status IN ('active', 'retained')),
    keyed AS (
        SELECT organization_id, 0 AS joined_year, status, worker_category FROM m
        UNION ALL
        SELECT organization_id, extract(year FROM joined_on)::int, status, worker_category FROM m
        WHERE joined_on IS NOT NULL
    )
    SELECT organization_id, joined_year,
           count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'retained'),
           count(*) FILTER (WHERE worker_category = 'regular'), count(*) FILTER (WHERE worker_category = 'migrant'),
           count(*) FILTER (WHERE worker_category = 'new_employment'),
           count(*) FILTER (WHERE worker_category = 'dispatched')
    FROM keyed GROUP BY organization_id, joined_year
"""


def plain_counts(using=None) -> dict:
    """{(organization_id, joined_year): (active, retained, regular, migrant, new_employment,
    dispatched)} straight from the members (joined_year 0: every current member)."""
    with (connections[using] if using else connection).cursor() as cursor:
        cursor.execute(PLAIN_COUNTS_SQL)
        return {(row[0], row[1]): tuple(row[2:]) for row in cursor.fetchall()}


def kept_counts() -> dict:
    rows = OrganizationMemberCount.objects.values_list("organization_id", "joined_year", *FIGURES)
    return {(r[0], r[1]): tuple(r[2:]) for r in rows if any(r[2:])}


def assert_exact():
    assert kept_counts() == plain_counts()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _data(n: int, **overrides) -> dict:
    return {"name": person_name(n), "id_number": person_id(n), "joined_on": "2021-06-01",
            "worker_category": "regular", **overrides}


# --- every kind of write -------------------------------------------------------------


def test_created_member_is_counted_in_its_union_and_joining_year(tree, branch_officer):
    member = services.create_member(actor=branch_officer, organization=tree.union_a1a,
                                    data=_data(1, worker_category="new_employment"))
    assert_exact()
    row = OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=2021)
    assert (row.active, row.new_employment) == (1, 1)
    assert OrganizationMemberCount.objects.get(organization=member.organization, joined_year=0).current == 1


def test_edit_moves_the_member_between_categories_and_years(tree, branch_officer):
    member = services.create_member(actor=branch_officer, organization=tree.union_a1a, data=_data(1))
    MemberFactory(organization=tree.union_a1a, joined_on=datetime.date(2021, 1, 1))
    services.update_member(actor=branch_officer, member=member,
                           data={"worker_category": "migrant", "joined_on": "2019-02-03"})
    assert_exact()
    assert plain_counts()[(tree.union_a1a.pk, 2021)][0] == 1  # the edit really moved one member out
    services.update_member(actor=branch_officer, member=member, data={"phone": "13900001111"})
    assert_exact()


def test_status_changes_move_the_member_in_and_out_of_the_figures(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a, worker_category="dispatched")
    today = datetime.date.today()
    for status in ("retained", "withdrawn", "active", "deceased"):
        member = services.change_member_status(actor=branch_officer, member=member, status=status, on=today,
                                                reason="因为")
        assert_exact()
    assert selectors.member_figures(actor=branch_officer)["current"] == 0


def test_confirmed_transfer_moves_the_figures_to_the_receiving_union(tree, branch_officer, city_staff):
    member = MemberFactory(organization=tree.union_a1a, status=Member.Status.RETAINED)
    transfer = services.request_transfer(actor=branch_officer, member=member, to_organization=tree.union_b1,
                                         reason="调动", side=Transfer.Side.SENDING)
    assert_exact()  # a request changes nothing
    services.confirm_transfer(actor=city_staff, transfer=transfer)
    assert_exact()
    assert OrganizationMemberCount.objects.get(organization=tree.union_b1, joined_year=0).retained == 1
    assert OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=0).current == 0


def test_merge_moves_the_figures_with_the_members(tree, city_staff):
    MemberFactory.create_batch(3, organization=tree.union_a1b, worker_category="migrant")
    MemberFactory(organization=tree.union_a1b, status=Member.Status.WITHDRAWN)
    MemberFactory(organization=tree.union_a1a)
    merge_organization(actor=city_staff, source=tree.union_a1b, target=tree.union_a1a, reason="合并")
    assert_exact()
    assert OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=0).migrant == 3


def test_dissolving_a_union_with_only_past_members_changes_no_figure(tree, city_staff):
    """A dissolution is refused while current members remain (services.move_members_on_merge_or_dissolve); past ones stay."""
    MemberFactory(organization=tree.union_a1b, status=Member.Status.WITHDRAWN)
    MemberFactory(organization=tree.union_a1a)
    before = kept_counts()
    dissolve_organization(actor=city_staff, organization=tree.union_a1b, reason="撤销")
    assert kept_counts() == before
    assert_exact()


def _validate(org, user, rows, name="roster.xlsx"):
    job = create_import_job(kind="roster", organization=org, uploaded_by=user,
                            uploaded_file=upload(xlsx_bytes(rows), name), enqueue=False)
    return run_validation(job_id=job.pk)


def test_roster_commit_with_new_updated_unchanged_and_conflict_rows_keeps_figures_exact(tree, city_staff):
    """One commit of each outcome (DESIGN.md "Roster upload"): new rows are counted, updated
    rows move between categories and joining years, unchanged and conflicting rows (the
    person stays in the other union until a transfer is confirmed) change nothing."""
    commit_import(job=_validate(tree.union_a1a, city_staff, [roster_row(n) for n in range(4)]), actor=city_staff)
    MemberFactory(organization=tree.union_b1, id_number=person_id(50), joined_on=datetime.date(2018, 1, 1))
    assert_exact()
    rows = [
        roster_row(0),  # unchanged
        roster_row(1, 职工类别="农民工"),  # updated: category
        roster_row(2, 入会日期="2016-07-01"),  # updated: joining year
        roster_row(3, 手机号码="13912345678"),  # updated: no figure changes
        roster_row(50),  # a current member of union_b1: a transfer conflict
        roster_row(60), roster_row(61, 职工类别="新就业形态劳动者"),  # new
    ]
    job = _validate(tree.union_a1a, city_staff, rows)
    assert job.summary["counts"] == {"new": 2, "updated": 3, "unchanged": 1, "conflict": 1, "error": 0}
    commit_import(job=job, actor=city_staff)
    assert_exact()
    kept = OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=0)
    assert (kept.current, kept.migrant, kept.new_employment) == (6, 1, 1)
    assert OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=2016).current == 1


def test_admin_edit_and_delete_keep_the_figures(tree, admin_user):
    member = MemberFactory(organization=tree.union_a1a)
    model_admin = admin.site._registry[Member]
    request = RequestFactory().post("/")
    request.user = admin_user
    member.status = Member.Status.WITHDRAWN
    model_admin.save_model(request, member, form=None, change=True)
    assert_exact()
    other = MemberFactory(organization=tree.union_a1b)
    model_admin.delete_model(request, other)
    assert_exact()


def test_joined_this_year_is_the_row_of_the_year_asked_for(tree, branch_officer):
    """No rollover job: on 1 January "joined this year" is the new year's row, already exact."""
    MemberFactory(organization=tree.union_a1a, joined_on=datetime.date(2026, 12, 31))
    MemberFactory(organization=tree.union_a1a, joined_on=datetime.date(2027, 1, 1))
    MemberFactory(organization=tree.union_a1a, joined_on=None)
    assert selectors.member_figures(actor=branch_officer, year=2026)["joined"] == 1
    assert selectors.member_figures(actor=branch_officer, year=2027)["joined"] == 1
    assert selectors.member_figures(actor=branch_officer, year=2028)["joined"] == 0
    assert selectors.member_figures(actor=branch_officer, year=2028)["current"] == 3


def test_figures_per_subtree_equal_plain_counts_for_every_scope(tree, city_staff, county_staff, branch_officer):
    MemberFactory.create_batch(2, organization=tree.union_a1a, worker_category="new_employment")
    MemberFactory(organization=tree.union_a1b, status=Member.Status.RETAINED)
    MemberFactory(organization=tree.union_b1)
    MemberFactory(organization=tree.union_b1, status=Member.Status.TRANSFERRED_OUT)
    for user, current in ((city_staff, 4), (county_staff, 3), (branch_officer, 2)):
        figures = selectors.member_figures(actor=user)
        assert figures["current"] == current == figures["active"] + figures["retained"]
        assert figures["current"] == sum(figures[c] for c in ("regular", "migrant", "new_employment", "dispatched"))
    assert selectors.member_figures(actor=branch_officer, organization=tree.union_b1) == {}


# --- two roster commits at once -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_roster_commits_into_sibling_unions_at_once_neither_waits_and_both_count(tree, city_staff):
    """Each commit changes only its own union's rows: the first holds its transaction open
    (row locks and all) until the second has committed, which it could not if they shared a
    row; afterwards every figure equals the plain count."""
    jobs = [_validate(tree.union_a1a, city_staff, [roster_row(n) for n in range(30)], "a.xlsx"),
            _validate(tree.union_a1b, city_staff, [roster_row(n) for n in range(100, 140)], "b.xlsx")]
    first_written, second_done = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                commit_import(job=jobs[0], actor=city_staff)
                first_written.set()  # written, not committed: its row locks are held
                if not second_done.wait(timeout=20):
                    errors.append("the second commit waited for the first")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            first_written.set()
            connection.close()

    def second():
        try:
            commit_import(job=jobs[1], actor=city_staff)
            second_done.set()
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_written.wait(timeout=30)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert_exact()
    assert selectors.member_figures(actor=city_staff)["current"] == 70


# --- the recount ------------------------------------------------------------------------


def _corrupt(tree):
    MemberFactory.create_batch(2, organization=tree.union_a1a)
    MemberFactory(organization=tree.union_b1, joined_on=datetime.date(2019, 3, 3))
    OrganizationMemberCount.objects.filter(organization=tree.union_a1a, joined_year=0).update(active=7)
    OrganizationMemberCount.objects.filter(organization=tree.union_b1, joined_year=2019).delete()
    OrganizationMemberCount.objects.create(organization=tree.county_b, joined_year=0, migrant=1)


def test_recount_reports_drift_and_repairs_it(tree, capsys):
    _corrupt(tree)
    with pytest.raises(CommandError) as refused:
        call_command("recount_members")
    assert refused.value.returncode == 1 and "3 differ" in str(refused.value)
    printed = capsys.readouterr().out
    assert "CA1a (all years): active 7 → 2" in printed and "CB1 (joined 2019): active 0 → 1" in printed
    assert kept_counts() != plain_counts()  # reporting alone changes nothing

    call_command("recount_members", "--repair")
    assert "3 had drifted and were repaired" in capsys.readouterr().out
    assert_exact()
    call_command("recount_members")
    assert "no drift" in capsys.readouterr().out


def test_nightly_task_repairs_and_logs_what_it_found(tree, caplog):
    MemberFactory(organization=tree.union_a1a)
    with caplog.at_level(logging.INFO, logger="apps.members.counts"):
        assert recount_member_figures() == 0
    assert "no drift" in caplog.text
    _corrupt(tree)
    caplog.clear()
    assert recount_member_figures() == 3
    assert any(r.levelno == logging.ERROR and "repaired" in r.getMessage() for r in caplog.records)
    assert_exact()


def test_nightly_recount_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "apps.members.tasks.recount_member_figures" in tasks


def test_record_change_is_one_statement_and_skips_what_cancels_out(tree, django_assert_num_queries):
    member = MemberFactory(organization=tree.union_a1a)
    key = counts.key_of(member)
    with django_assert_num_queries(0):
        counts.record_change(removed=[key], added=[key])
    with django_assert_num_queries(1):
        counts.record_change(removed=[key], added=[counts.key_of(member, worker_category="migrant")])


# --- the pages read the figures, not the roll ----------------------------------------


def _member_table_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "members_member" in q["sql"]]


@pytest.mark.parametrize("size", [1, 6])
def test_count_boxes_read_the_kept_figures_in_bounded_queries(tree, city_staff, client, size):
    """The same queries whatever the number of members, none of them over the roll."""
    for union in (tree.union_a1a, tree.union_a1b, tree.union_b1):
        MemberFactory.create_batch(size, organization=union)
    client.force_login(city_staff)
    # Each request also reads its session (1; renewed at most once a minute, so not saved here:
    # apps.core.middleware), and reads the user with their organization (1: apps.accounts.backends).
    pages = ((reverse("members:org_counts", args=[tree.city.pk]), {}, 5),
             (reverse("members:county_counts"), {}, 3),
             (reverse("members:count"), {}, 3),
             (reverse("members:count"), {"worker_category": "regular", "org": "CA"}, 4))
    for url, params, queries in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        assert len(captured) == queries, (url, [q["sql"][:60] for q in captured.captured_queries])
        assert _member_table_reads(captured.captured_queries) == [], url
    body = client.get(reverse("members:org_counts", args=[tree.city.pk])).content.decode()
    assert f'id="org-members-total">{3 * size}<' in body


def test_count_button_answers_from_the_figures_what_they_hold_and_counts_the_rest(tree, branch_officer, client):
    MemberFactory.create_batch(2, organization=tree.union_a1a, joined_on=datetime.date(2024, 5, 5))
    MemberFactory(organization=tree.union_a1a, status=Member.Status.RETAINED, worker_category="migrant")
    MemberFactory(organization=tree.union_a1a, status=Member.Status.WITHDRAWN)
    client.force_login(branch_officer)
    cases = [  # (filters, members, answered by the kept figures)
        ({}, 3, True), ({"status": "retained"}, 1, True), ({"worker_category": "migrant"}, 1, True),
        ({"joined_from": "2024-01-01", "joined_to": "2024-12-31"}, 2, True),
        ({"org": "CB1"}, 0, True),  # outside the scope: nothing, without counting
        ({"status": "withdrawn"}, 1, False), ({"political_status": "masses"}, 0, False),
        ({"joined_from": "2024-01-01", "joined_to": "2024-06-30"}, 2, False),
        ({"status": "retained", "worker_category": "migrant"}, 1, False),
    ]
    for params, expected, from_figures in cases:
        with CaptureQueriesContext(connection) as captured:
            text = client.get(reverse("members:count"), params).content.decode()
        assert text == f"{expected} members", params
        assert (_member_table_reads(captured.captured_queries) == []) == from_figures, params


# --- write paths main added beside the series: two-sided transfers, retried commits, assistance ---


def _kept_current(org) -> int:
    row = OrganizationMemberCount.objects.filter(organization=org, joined_year=0).first()
    return row.current if row else 0


def test_two_sided_transfer_decisions_move_the_figures_exactly_when_the_membership_moves(
    tree, branch_officer, city_staff
):
    """Either side asks and the other decides (DESIGN.md "Membership transfer"): a request, a
    refusal, a withdrawal and a refused confirm change no figure; a confirm by the sending side
    or by a clerk above both (decided_across_sides) moves exactly one membership."""
    officer_b1 = UserFactory(username="branch_b1", role="branch_officer", organization=tree.union_b1)
    members = MemberFactory.create_batch(4, organization=tree.union_a1a, worker_category="migrant")
    before = kept_counts()

    def ask(member):  # the receiving union asks; the sending union (A1a) decides
        return services.request_transfer(actor=officer_b1, member=member, to_organization=tree.union_b1,
                                         reason="调动", side=Transfer.Side.RECEIVING)

    refused, withdrawn, confirmed, across = (ask(m) for m in members)
    services.reject_transfer(actor=branch_officer, transfer=refused, note="不同意")
    services.cancel_transfer(actor=officer_b1, transfer=withdrawn)
    with pytest.raises(PermissionDenied):  # the side that asked never confirms its own request
        services.confirm_transfer(actor=officer_b1, transfer=confirmed)
    assert kept_counts() == before
    assert_exact()

    services.confirm_transfer(actor=branch_officer, transfer=confirmed)
    assert_exact()
    assert (_kept_current(tree.union_a1a), _kept_current(tree.union_b1)) == (3, 1)
    services.confirm_transfer(actor=city_staff, transfer=across)
    across.refresh_from_db()
    assert across.decided_across_sides
    assert_exact()
    assert (_kept_current(tree.union_a1a), _kept_current(tree.union_b1)) == (2, 2)
    assert OrganizationMemberCount.objects.get(organization=tree.union_b1, joined_year=0).migrant == 2


def _roster_job_with_every_outcome(tree, user, other_union_member):
    commit_import(job=_validate(tree.union_a1a, user, [roster_row(n) for n in range(4)]), actor=user)
    rows = [roster_row(0), roster_row(1, 职工类别="农民工"), roster_row(2, 入会日期="2016-07-01"),
            roster_row(3, 手机号码="13912345678"), roster_row(other_union_member),
            *[roster_row(n) for n in range(60, 66)]]
    return _validate(tree.union_a1a, user, rows)


def test_a_commit_try_given_up_halfway_leaves_no_figure_and_the_next_try_counts_once(
    tree, city_staff, monkeypatch
):
    """A commit try the sweeper gave up on stops at its next progress report and its one
    transaction rolls back, figures and all (apps/imports/committing.py); the next try commits
    every row once, and a redelivered message changes nothing (per the issue: exact after
    every write, whatever the worker does)."""
    MemberFactory(organization=tree.union_b1, id_number=person_id(50))
    job = _roster_job_with_every_outcome(tree, city_staff, 50)
    request_commit(job=job, actor=city_staff, enqueue=False)
    monkeypatch.setattr(RosterImporter, "commit_chunk_size", 2)  # several ranges per statement
    before = kept_counts()
    reports = []

    def given_up(self, rows):
        reports.append(rows)
        if rows:  # some rows (and their figures) are written in the open transaction
            raise attempts.Superseded("the sweeper sent another try")

    with monkeypatch.context() as patched:
        patched.setattr(committing._Progress, "__call__", given_up)
        job = run_commit(job_id=job.pk, actor=city_staff)
    assert 0 < reports[-1] < 10 and job.status == ImportJob.Status.COMMITTING  # stopped partway
    assert kept_counts() == before
    assert_exact()

    job = run_commit(job_id=job.pk, actor=city_staff)  # the next try
    assert (job.status, job.attempts) == (ImportJob.Status.COMMITTED, 2)
    assert_exact()
    assert _kept_current(tree.union_a1a) == 10
    after = kept_counts()
    run_commit(job_id=job.pk, actor=city_staff)  # the message delivered again: left alone
    commit_import(job=job, actor=city_staff)
    assert kept_counts() == after
    assert_exact()


def test_a_commit_refused_after_its_first_statement_leaves_no_figure(tree, city_staff, branch_officer):
    """The roll changed since validation (an updated row's member withdrew): the commit fails
    after its INSERT of the new rows ran, and the figures of those rows roll back with them."""
    MemberFactory(organization=tree.union_b1, id_number=person_id(50))
    job = _roster_job_with_every_outcome(tree, city_staff, 50)
    changed = Member.objects.get(id_number=person_id(1))
    services.change_member_status(actor=branch_officer, member=changed, status="withdrawn",
                                  on=datetime.date.today(), reason="退会")
    before = kept_counts()
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=city_staff)
    assert kept_counts() == before
    assert_exact()


def test_hardship_assistance_writes_change_no_figure(tree, branch_officer, county_staff, city_staff, settings,
                                                     tmp_path):
    """Assistance (issue 16) writes files about members' households, never the roll."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    living_standards(tree.county_a, tree.county_b)
    MemberFactory.create_batch(2, organization=tree.union_a1a)
    before = kept_counts()
    file = make_file(branch_officer, tree.union_a1a)
    advance(file, "active", officer=branch_officer, county=county_staff, city=city_staff)
    assert kept_counts() == before
    assert_exact()


def test_the_count_box_shows_who_joined_this_year_for_the_subtree_and_each_child(tree, county_staff, client):
    this_year = datetime.date.today().replace(month=1, day=1)
    MemberFactory.create_batch(2, organization=tree.union_a1a, joined_on=this_year)
    MemberFactory(organization=tree.union_a1b, joined_on=this_year)
    MemberFactory(organization=tree.union_a1b, joined_on=datetime.date(2015, 1, 1))
    client.force_login(county_staff)
    box = client.get(reverse("members:org_counts", args=[tree.county_a.pk])).context["box"]
    assert (box.total["members"], box.total["joined"], box.year) == (4, 3, this_year.year)
    assert sum(counts["joined"] for _, counts in box.children) == box.children_total["joined"] == 3
    body = client.get(reverse("members:org_counts", args=[tree.county_a.pk])).content.decode()
    assert f'id="org-members-joined">3<' in body and f"joined in {this_year.year}" in body
