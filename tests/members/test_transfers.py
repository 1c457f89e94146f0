"""Membership transfers: either side asks, the OTHER side (its union or a clerk above it)
decides; a clerk above both unions may decide either kind, and that is recorded."""

import datetime
import time
import uuid

import pytest
from django.http import Http404
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import SensitiveAccess
from apps.core.ratelimit import take_one
from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.members import services
from apps.members.models import Member, Transfer
from apps.members.selectors import overdue_transfers, transfer_list
from tests.accounts.factories import UserFactory
from tests.members.factories import MemberFactory
from tests.members.roster_files import csv_bytes, roster_row, upload

pytestmark = pytest.mark.django_db

NO_SUCH_MEMBER = "No current member with this ID number and name in another union."


@pytest.fixture(autouse=True)
def _own_cache_keys_and_fast_passwords(settings):
    """The lookup counter lives in Redis, which other test runs share: keys of our own. The
    eight users of every sweep need no real password hashing (seconds per test otherwise)."""
    cache = {**django_settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {"default": cache}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer_b1(tree):
    return UserFactory(username="branch_b1", role="branch_officer", organization=tree.union_b1)


@pytest.fixture
def county_b_staff(tree):
    return UserFactory(username="county_b", role="county_staff", organization=tree.county_b)


@pytest.fixture
def users(
    branch_officer, sibling_officer, officer_b1, county_staff, county_b_staff, city_staff, leader, superuser
):
    return {
        "branch_a1a": branch_officer,  # the union A1a
        "branch_a1b": sibling_officer,  # A1a's sibling, neither side
        "branch_b1": officer_b1,  # the union B1
        "county_a": county_staff,  # above A1a only
        "county_b": county_b_staff,  # above B1 only
        "city": city_staff,  # above both
        "leader": leader,  # county A, read-only
        "root": superuser,
    }


def _request(member, to, by, side="sending"):
    return services.request_transfer(
        member=member, to_organization=to, actor=by, reason="调动", side=side
    )


def _a1a_to_b1(tree, users, side: str) -> Transfer:
    """A pending transfer of a union A1a member to B1, asked by the given side's union."""
    member = MemberFactory(organization=tree.union_a1a, name="调动人")
    by = users["branch_a1a"] if side == "sending" else users["branch_b1"]
    return _request(member, tree.union_b1, by, side=side)


# --- the rule: the other side decides ----------------------------------------------------------------


def test_confirmed_transfer_moves_the_membership_and_shows_in_both_unions(tree, branch_officer, officer_b1):
    member = MemberFactory(organization=tree.union_a1a, name="调动人")
    transfer = _request(member, tree.union_b1, branch_officer)
    new = services.confirm_transfer(transfer=transfer, actor=officer_b1)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.status == Member.Status.TRANSFERRED_OUT and member.organization == tree.union_a1a
    assert new.status == Member.Status.ACTIVE and new.organization == tree.union_b1
    assert new.id_number == member.id_number and new.joined_on == member.joined_on
    assert (transfer.status, transfer.decided_by, transfer.resulting_member) == ("confirmed", officer_b1, new)
    assert transfer.decided_across_sides is False
    # history of both rows, by the confirming user
    assert member.history.first().history_user == officer_b1
    assert "丙公司工会" in member.history.first().history_change_reason
    assert new.history.get().history_user == officer_b1
    # the asking side finds it among its own requests, the deciding side among its decisions
    assert list(transfer_list(actor=branch_officer, direction="outgoing", status="")) == [transfer]
    assert list(transfer_list(actor=officer_b1, direction="incoming", status="")) == [transfer]
    assert list(transfer_list(actor=branch_officer, direction="incoming", status="")) == []
    assert list(transfer_list(actor=officer_b1, direction="outgoing", status="")) == []


# who may confirm (and refuse) a pending A1a → B1 transfer, by the side that asked for it
DECIDERS = {
    "sending": {"branch_b1": False, "county_b": False, "city": True, "root": True},
    "receiving": {"branch_a1a": False, "county_a": False, "city": True, "root": True},
}
REFUSED = {
    # the side that asked (its union or a clerk above it only), a sibling, the read-only leader
    "sending": ["branch_a1a", "county_a", "branch_a1b", "leader"],
    "receiving": ["branch_b1", "county_b", "branch_a1b", "leader"],
}


@pytest.mark.parametrize(
    "side,who,across",
    [(side, who, across) for side, who_across in DECIDERS.items() for who, across in who_across.items()],
)
def test_the_side_that_did_not_ask_or_a_clerk_above_it_confirms(tree, users, side, who, across):
    transfer = _a1a_to_b1(tree, users, side)
    new = services.confirm_transfer(transfer=transfer, actor=users[who])
    transfer.refresh_from_db()
    assert new.organization == tree.union_b1 and transfer.status == Transfer.Status.CONFIRMED
    assert transfer.decided_by == users[who] and transfer.decided_across_sides is across


@pytest.mark.parametrize("side,who", [(side, who) for side, whos in REFUSED.items() for who in whos])
def test_nobody_else_confirms_or_refuses_in_particular_not_the_side_that_asked(tree, users, side, who):
    transfer = _a1a_to_b1(tree, users, side)
    with pytest.raises(PermissionDenied):
        services.confirm_transfer(transfer=transfer, actor=users[who])
    with pytest.raises(PermissionDenied):
        services.reject_transfer(transfer=transfer, actor=users[who], note="不同意")
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PENDING
    assert not services.can_decide_transfer(users[who], transfer)
    assert Member.objects.get(pk=transfer.member_id).organization == tree.union_a1a


@pytest.mark.parametrize("side,who", [(side, who) for side, deciders in DECIDERS.items() for who in deciders])
def test_the_deciding_side_may_refuse_with_a_reason(tree, users, side, who):
    transfer = _a1a_to_b1(tree, users, side)
    with pytest.raises(ValidationError):
        services.reject_transfer(transfer=transfer, actor=users[who], note=" ")
    services.reject_transfer(transfer=transfer, actor=users[who], note="查无此人")
    transfer.refresh_from_db()
    member = Member.objects.get(pk=transfer.member_id)
    assert (transfer.status, transfer.decision_note) == ("rejected", "查无此人")
    assert member.status == "active" and member.organization == tree.union_a1a
    asker = users["branch_a1a"] if side == "sending" else users["branch_b1"]
    assert _request(member, tree.union_b1, asker, side=side).status == "pending"  # may ask again


def test_a_decided_transfer_cannot_be_decided_again(tree, users):
    transfer = _a1a_to_b1(tree, users, "sending")
    services.confirm_transfer(transfer=transfer, actor=users["city"])
    with pytest.raises(ValidationError):
        services.confirm_transfer(transfer=transfer, actor=users["branch_b1"])


def test_a_clerk_above_both_unions_may_decide_their_own_sides_request_and_it_is_recorded(
    tree, branch_officer, county_staff, login
):
    member = MemberFactory(organization=tree.union_a1a, name="同区人")
    transfer = _request(member, tree.union_a1b, county_staff)  # county A asks on A1a's behalf
    assert services.can_decide_transfer(county_staff, transfer)  # county A covers A1b as well
    assert not services.can_decide_transfer(branch_officer, transfer)  # A1a asked
    new = services.confirm_transfer(transfer=transfer, actor=county_staff)
    transfer.refresh_from_db()
    assert transfer.decided_across_sides and transfer.decided_by == county_staff
    page = login(county_staff).get(reverse("members:detail", args=[new.pk])).content.decode()
    assert "decided by a clerk above both unions" in page


def test_one_pending_transfer_per_member(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    _request(member, tree.union_b1, branch_officer)
    with pytest.raises(ValidationError):
        _request(member, tree.union_a1b, branch_officer)


def test_sending_side_may_only_move_its_own_members(tree, sibling_officer):
    # Another union's member is outside the asker's scope: 404, as by URL.
    member = MemberFactory(organization=tree.union_a1a)
    with pytest.raises(Http404):
        _request(member, tree.union_b1, sibling_officer)


def test_only_the_side_that_asked_may_withdraw(tree, users):
    transfer = _a1a_to_b1(tree, users, "receiving")
    for who in ("branch_a1a", "county_a", "branch_a1b", "leader"):
        with pytest.raises(PermissionDenied):
            services.cancel_transfer(transfer=transfer, actor=users[who])
    services.cancel_transfer(transfer=transfer, actor=users["branch_b1"])
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.CANCELLED and not transfer.decided_across_sides


# --- through the pages ------------------------------------------------------------------------------


def test_the_old_one_sided_path_is_refused_and_the_sending_union_decides(
    tree, officer_b1, branch_officer, login
):
    """A B1 officer who knows an A1a member's ID number and name asks for them and tries to
    confirm alone: refused (403); the sending union A1a sees the request and decides."""
    member = MemberFactory(organization=tree.union_a1a, name="李雷")
    client = login(officer_b1)
    response = _ask(client, member.id_number, "李雷")
    assert response.status_code == 302 and response.url.endswith("?direction=outgoing")
    transfer = Transfer.objects.get()
    assert (transfer.initiated_by_side, transfer.to_organization) == ("receiving", tree.union_b1)
    outgoing = client.get(reverse("members:transfers"), {"direction": "outgoing"})
    assert outgoing.context["rows"][0]["can_decide"] is False
    assert reverse("members:transfer_confirm", args=[transfer.pk]) not in outgoing.content.decode()
    for action in ("transfer_confirm", "transfer_reject"):
        assert client.post(reverse(f"members:{action}", args=[transfer.pk]), {"note": "x"}).status_code == 403
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.organization == tree.union_a1a and member.is_current and transfer.status == "pending"

    sender = login(branch_officer)
    incoming = sender.get(reverse("members:transfers"))
    assert incoming.context["rows"][0]["can_decide"] is True
    assert reverse("members:transfer_confirm", args=[transfer.pk]) in incoming.content.decode()
    assert sender.post(reverse("members:transfer_confirm", args=[transfer.pk])).status_code == 302
    assert Member.objects.get(organization=tree.union_b1, status="active").name == "李雷"


def test_the_sending_union_may_refuse_a_request_for_its_member(tree, officer_b1, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a)
    transfer = _request(member, tree.union_b1, officer_b1, side="receiving")
    response = login(branch_officer).post(
        reverse("members:transfer_reject", args=[transfer.pk]), {"note": "本人未申请"}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "rejected" and transfer.decided_by == branch_officer


def test_transfer_pages_confirm_and_404_outside_both_sides(
    tree, branch_officer, sibling_officer, officer_b1, login
):
    member = MemberFactory(organization=tree.union_a1a, name="韩梅梅")
    response = login(branch_officer).post(
        reverse("members:transfer_out", args=[member.pk]), {"to_organization": "CB1", "reason": "工作调动"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.initiated_by_side == "sending"
    confirm = reverse("members:transfer_confirm", args=[transfer.pk])
    assert login(branch_officer).post(confirm).status_code == 403
    incoming = login(officer_b1).get(reverse("members:transfers"))
    assert "韩梅梅" in incoming.content.decode()
    assert login(officer_b1).post(confirm).status_code == 302
    new = Member.objects.get(organization=tree.union_b1)
    detail = login(officer_b1).get(reverse("members:detail", args=[new.pk])).content.decode()
    assert "甲公司工会" in detail  # the transfer row names the sending union
    old_detail = login(branch_officer).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "丙公司工会" in old_detail


def test_an_unrelated_union_can_neither_see_nor_touch_a_transfer_between_two_others(
    tree, users, sibling_officer, login
):
    transfer = _a1a_to_b1(tree, users, "receiving")
    client = login(sibling_officer)
    for direction in ("incoming", "outgoing"):
        assert client.get(reverse("members:transfers"), {"direction": direction, "status": "all"}).context[
            "rows"
        ] == []
    for action in ("transfer_confirm", "transfer_reject", "transfer_cancel"):
        assert client.post(reverse(f"members:{action}", args=[transfer.pk]), {"note": "x"}).status_code == 404
    assert client.get(reverse("members:detail", args=[transfer.member_id])).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_requester_can_withdraw_a_pending_request_and_the_other_side_cannot(
    tree, branch_officer, officer_b1, login
):
    member = MemberFactory(organization=tree.union_a1a)
    transfer = _request(member, tree.union_b1, branch_officer)
    cancel = reverse("members:transfer_cancel", args=[transfer.pk])
    assert login(officer_b1).post(cancel).status_code == 403
    assert login(branch_officer).post(cancel).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "cancelled" and transfer.decided_by == branch_officer


# The permission sweep of the transfer actions: every role, both kinds of request, one
# pending A1a → B1 transfer each. 302 = done; 403 = in scope, not allowed; 404 = out of scope.
SWEEP = {
    # who:          confirm/reject       cancel
    #               asked by  sending receiving    sending receiving
    "branch_a1a": {"decide": (403, 302), "cancel": (302, 403)},
    "branch_a1b": {"decide": (404, 404), "cancel": (404, 404)},
    "branch_b1": {"decide": (302, 403), "cancel": (403, 302)},
    "county_a": {"decide": (403, 302), "cancel": (302, 403)},
    "county_b": {"decide": (302, 403), "cancel": (403, 302)},
    "city": {"decide": (302, 302), "cancel": (302, 302)},
    "leader": {"decide": (403, 403), "cancel": (403, 403)},
    "root": {"decide": (302, 302), "cancel": (302, 302)},
}
DONE = {"transfer_confirm": Transfer.Status.CONFIRMED, "transfer_reject": Transfer.Status.REJECTED,
        "transfer_cancel": Transfer.Status.CANCELLED}


@pytest.mark.parametrize("who", SWEEP)
@pytest.mark.parametrize("side", ["sending", "receiving"])
@pytest.mark.parametrize("action", list(DONE))
def test_permission_sweep_of_the_transfer_actions(tree, users, login, who, side, action):
    transfer = _a1a_to_b1(tree, users, side)
    expected = SWEEP[who]["cancel" if action == "transfer_cancel" else "decide"][side == "receiving"]
    response = login(users[who]).post(reverse(f"members:{action}", args=[transfer.pk]), {"note": "理由"})
    assert response.status_code == expected
    transfer.refresh_from_db()
    assert transfer.status == (DONE[action] if expected == 302 else Transfer.Status.PENDING)


@pytest.mark.parametrize("who", SWEEP)
def test_permission_sweep_of_the_transfer_pages(tree, users, login, who):
    """Every logged-in role may open the lists (each shows its own scope's transfers); the
    request forms need members.transfer (403 for the leader)."""
    _a1a_to_b1(tree, users, "receiving")
    client = login(users[who])
    for url in (
        reverse("members:transfers") + "?direction=incoming",
        reverse("members:transfers") + "?direction=outgoing&status=all",
        reverse("members:transfers_overdue"),
    ):
        assert client.get(url).status_code == 200, url
    expected = 403 if who == "leader" else 200
    assert client.get(reverse("members:transfer_in")).status_code == expected


# --- what the receiving side sees before the decision ---------------------------------------------


def test_until_decided_the_receiving_side_sees_only_name_masked_id_and_sending_union(
    tree, officer_b1, branch_officer, login
):
    member = MemberFactory(
        organization=tree.union_a1a, name="王芳", phone="13912345678", employer_name="临沂某某机械厂",
        card_number="C7654321",
    )
    transfer = _request(member, tree.union_b1, branch_officer)  # the sending side asks; B1 decides
    client = login(officer_b1)
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404
    for params in ({"direction": "incoming"}, {"direction": "incoming", "status": "all"}):
        response = client.get(reverse("members:transfers"), params)
        page = response.content.decode()
        assert "王芳" in page and "*" * 14 + member.id_number[-4:] in page and "甲公司工会" in page
        birth_digits = member.id_number[6:14]
        for secret in (member.id_number, birth_digits, "13912345678", "5678", "临沂某某机械厂", "C7654321"):
            assert secret not in page, secret
        assert reverse("members:detail", args=[member.pk]) not in page  # no link to the record
    services.confirm_transfer(transfer=transfer, actor=officer_b1)
    new = Member.objects.get(organization=tree.union_b1)
    page = client.get(reverse("members:transfers"), {"direction": "incoming", "status": "all"})
    assert reverse("members:detail", args=[new.pk]) in page.content.decode()  # now theirs
    detail = client.get(reverse("members:detail", args=[new.pk])).content.decode()
    assert "临沂某某机械厂" in detail and "C7654321" in detail
    # the old row stays A1a's
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_the_receiving_side_that_asked_sees_no_more_than_the_name_either(tree, officer_b1, login):
    member = MemberFactory(organization=tree.union_a1a, name="李雷", employer_name="兰山某厂", phone="13912345678")
    _request(member, tree.union_b1, officer_b1, side="receiving")
    page = login(officer_b1).get(reverse("members:transfers"), {"direction": "outgoing"}).content.decode()
    assert "李雷" in page and "甲公司工会" in page
    assert "兰山某厂" not in page and "13912345678" not in page and member.id_number not in page


# --- the request form is not an oracle ----------------------------------------------------------------


def _ask(client, id_number, name):
    form = {"id_number": id_number, "name": name, "to_organization": "CB1"}
    return client.post(reverse("members:transfer_in"), form)


def _form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_unknown_id_number_and_wrong_name_get_the_same_answer_and_both_are_logged(tree, officer_b1, login):
    member = MemberFactory(organization=tree.union_a1a, name="李雷")
    unknown = MemberFactory.build().id_number  # valid, but nobody's
    client = login(officer_b1)
    wrong_name = _ask(client, member.id_number, "韩梅梅")
    no_member = _ask(client, unknown, "韩梅梅")
    assert wrong_name.status_code == no_member.status_code == 200
    assert _form_errors(wrong_name) == _form_errors(no_member) == [NO_SUCH_MEMBER]
    assert not Transfer.objects.exists()
    logged = list(SensitiveAccess.objects.order_by("id"))
    assert [a.action for a in logged] == [SensitiveAccess.Action.ID_LOOKUP] * 2
    assert all(a.actor == officer_b1 for a in logged)
    assert (logged[0].subject_id, logged[0].organization) == (member.pk, tree.union_a1a)
    assert (logged[1].subject_id, logged[1].organization) == (None, tree.union_b1)
    for access in logged:
        assert member.id_number not in access.detail and unknown not in access.detail
    assert "name did not agree" in logged[0].detail and "no current member" in logged[1].detail


def test_a_lookup_that_finds_the_person_is_logged_too(tree, officer_b1, login):
    member = MemberFactory(organization=tree.union_a1a, name="李雷")
    assert _ask(login(officer_b1), member.id_number, "李雷").status_code == 302
    access = SensitiveAccess.objects.get()
    assert (access.action, access.subject_id, access.subject_label) == ("id_lookup", member.pk, "李雷")
    assert "name agreed" in access.detail


def test_an_invalid_id_number_is_a_form_error_and_no_lookup(tree, officer_b1, login):
    valid = MemberFactory.build().id_number
    wrong_check = valid[:17] + ("1" if valid[17] == "0" else "0")
    response = _ask(login(officer_b1), wrong_check, "李雷")
    assert response.status_code == 200 and response.context["form"].errors.get("id_number")
    assert not SensitiveAccess.objects.exists()


def test_lookups_by_full_id_number_are_limited_per_user(tree, officer_b1, county_b_staff, login, settings):
    settings.TRANSFER_LOOKUPS_PER_HOUR = 3
    member = MemberFactory(organization=tree.union_a1a, name="李雷")
    client = login(officer_b1)
    for guess in ("张三", "李四", "王五"):
        assert _form_errors(_ask(client, member.id_number, guess)) == [NO_SUCH_MEMBER]
    refused = _ask(client, member.id_number, "李雷")  # the right name, one lookup too many
    assert refused.status_code == 429
    assert "3 resident ID numbers within the hour" in _form_errors(refused)[0]
    assert not Transfer.objects.exists() and SensitiveAccess.objects.count() == 3  # not looked up
    # another user has their own allowance
    assert _ask(login(county_b_staff), member.id_number, "李雷").status_code == 302


def test_the_lookup_allowance_returns_when_its_window_ends(tree, officer_b1):
    for _ in range(2):
        assert take_one(action="test", user=officer_b1, limit=2, window_seconds=1)
    assert not take_one(action="test", user=officer_b1, limit=2, window_seconds=1)
    time.sleep(1.1)
    assert take_one(action="test", user=officer_b1, limit=2, window_seconds=1)


# --- the roster path ----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload_roster(org, user, rows) -> ImportJob:
    job = create_import_job(
        kind="roster", organization=org, uploaded_by=user,
        uploaded_file=upload(csv_bytes(rows), "roster.csv"), enqueue=False,
    )
    return run_validation(job_id=job.pk)


def test_a_roster_conflict_becomes_a_request_that_the_sending_union_decides(
    tree, officer_b1, branch_officer, media, login
):
    member = MemberFactory(organization=tree.union_a1a, name="张伟")
    job = commit_import(
        job=_upload_roster(tree.union_b1, officer_b1, [roster_row(1, 姓名="张伟", 公民身份号码=member.id_number)]),
        actor=officer_b1,
    )
    assert job.summary["result"]["transfers_requested"] == 1
    transfer = Transfer.objects.get()
    assert (transfer.initiated_by_side, transfer.to_organization, transfer.requested_by) == (
        "receiving", tree.union_b1, officer_b1,
    )
    assert SensitiveAccess.objects.get().subject_id == member.pk  # the roster's lookup is logged
    # the uploader cannot confirm their own request (the old one-sided roster path)
    with pytest.raises(PermissionDenied):
        services.confirm_transfer(transfer=transfer, actor=officer_b1)
    confirm = reverse("members:transfer_confirm", args=[transfer.pk])
    assert login(officer_b1).post(confirm).status_code == 403
    assert login(branch_officer).post(confirm).status_code == 302
    assert Member.objects.get(organization=tree.union_b1).name == "张伟"


def test_a_roster_conflict_under_another_name_asks_nothing_and_says_the_same(tree, officer_b1, media):
    member = MemberFactory(organization=tree.union_a1a, name="张伟")
    other = MemberFactory(organization=tree.union_a1a, name="李娜")
    rows = [
        roster_row(1, 姓名="张伟", 公民身份号码=member.id_number),
        roster_row(2, 姓名="王五", 公民身份号码=other.id_number),  # the ID of 李娜, another name
    ]
    job = _upload_roster(tree.union_b1, officer_b1, rows)
    conflicts = job.rows.filter(outcome=ImportRow.Outcome.CONFLICT).order_by("row_number")
    assert [r.messages for r in conflicts][0] == [r.messages for r in conflicts][1]  # no hint in the preview
    job = commit_import(job=job, actor=officer_b1)
    result = job.summary["result"]
    assert (result["transfers_requested"], result["transfers_not_requested"]) == (1, 1)
    assert list(Transfer.objects.values_list("member__name", flat=True)) == ["张伟"]
    assert SensitiveAccess.objects.filter(subject_id=other.pk, detail__contains="name did not agree").exists()


# --- the overdue queue --------------------------------------------------------------------------------


def _asked_days_ago(transfer, days: int) -> Transfer:
    asked = timezone.now() - datetime.timedelta(days=days)
    Transfer.objects.filter(pk=transfer.pk).update(requested_at=asked)
    transfer.refresh_from_db()
    return transfer


def _overdue_names(user, days=14) -> set[str]:
    rows = overdue_transfers(actor=user, older_than=datetime.timedelta(days=days), now=timezone.now())
    return {t.member.name for t in rows}


def test_requests_waiting_too_long_are_queued_for_the_clerks_above_both_unions(tree, users, login, settings):
    a1a = MemberFactory(organization=tree.union_a1a, name="跨区人")
    near = MemberFactory(organization=tree.union_a1a, name="同区人")
    b1 = MemberFactory(organization=tree.union_b1)
    _asked_days_ago(_request(a1a, tree.union_b1, users["branch_a1a"]), 15)  # A1a → B1: the city is above both
    _asked_days_ago(_request(near, tree.union_a1b, users["branch_a1a"]), 15)  # A1a → A1b: county A is
    _asked_days_ago(_request(b1, tree.union_a1a, users["branch_b1"]), 13)  # not yet overdue
    assert _overdue_names(users["city"]) == _overdue_names(users["root"]) == {"跨区人", "同区人"}
    assert _overdue_names(users["county_a"]) == {"同区人"}
    assert _overdue_names(users["leader"]) == {"同区人"}  # sees the queue, cannot decide
    for who in ("county_b", "branch_a1a", "branch_a1b", "branch_b1"):
        assert _overdue_names(users[who]) == set(), who
    assert _overdue_names(users["city"], days=30) == set()

    settings.TRANSFER_OVERDUE_DAYS = 14
    page = login(users["city"]).get(reverse("members:transfers_overdue"))
    assert [r["transfer"].member.name for r in page.context["rows"]] == ["跨区人", "同区人"]  # oldest first
    assert all(r["can_decide"] for r in page.context["rows"])
    settings.TRANSFER_OVERDUE_DAYS = 20
    assert login(users["city"]).get(reverse("members:transfers_overdue")).context["rows"] == []


def test_the_city_clerk_decides_an_overdue_request_and_it_is_recorded(tree, users, login):
    transfer = _asked_days_ago(_a1a_to_b1(tree, users, "receiving"), 20)
    client = login(users["city"])
    assert client.post(reverse("members:transfer_confirm", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "confirmed" and transfer.decided_across_sides
    asked_by_b1 = {"direction": "outgoing", "status": "all"}
    page = login(users["branch_b1"]).get(reverse("members:transfers"), asked_by_b1)
    assert "decided by a clerk above both unions" in page.content.decode()


# --- query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 40])
def test_transfer_list_query_counts_do_not_grow(tree, users, login, size, django_assert_max_num_queries):
    for member in MemberFactory.create_batch(size, organization=tree.union_a1a):
        _asked_days_ago(_request(member, tree.union_b1, users["branch_a1a"]), 20)
    pages = [
        (users["branch_b1"], reverse("members:transfers")),
        (users["branch_a1a"], reverse("members:transfers") + "?direction=outgoing"),
        (users["city"], reverse("members:transfers_overdue")),
    ]
    for user, url in pages:
        client = login(user)
        with django_assert_max_num_queries(8):  # session, user, organization, its scope, one list
            response = client.get(url)
        assert len(response.context["rows"]) == size, url
