"""The hardship file workflow (issue 16 item 3): every allowed and refused step, per role.

draft → submitted (branch) → reviewed (county) → approved (city) → active → re-verification
→ renewed or exited; rejected at a step returns to draft (a re-verification to active), with
the reason. A step is taken by the level that owns it (capability + scope), never by the
person who submitted or reviewed the file, and never out of order; each writes one event.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from apps.accounts.roles import Role
from apps.assistance import services
from apps.assistance.choices import FileStatus
from apps.assistance.models import FileEvent, FollowUp, HardshipFile
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.assistance.factories import household_data, make_file

pytestmark = pytest.mark.django_db
S = FileStatus


def _code(exc_info) -> str:
    return exc_info.value.error_list[0].code if hasattr(exc_info.value, "error_list") else ""


def submit(user, f):
    return services.submit_file(actor=user, file=f, expected_version=f.version)


def review(user, f):
    return services.review_file(actor=user, file=f, expected_version=f.version)


def approve(user, f):
    return services.approve_file(actor=user, file=f, expected_version=f.version)


def reject(user, f, reason="材料不全"):
    return services.reject_file(actor=user, file=f, expected_version=f.version, reason=reason)


def reverify(user, f):
    return services.submit_reverification(
        actor=user, file=f, expected_version=f.version,
        data={"household_size": f.household_size, "monthly_income": f.monthly_income,
              "income_per_head": f.income_per_head},
    )


def renew(user, f):
    return services.renew_file(actor=user, file=f, expected_version=f.version)


def leave(user, f):
    return services.exit_file(actor=user, file=f, expected_version=f.version, reason="employed")


STEPS = {"submit": submit, "review": review, "approve": approve, "reject": reject, "reverify": reverify,
         "renew": renew, "exit": leave}

# (step, status it starts from, the role whose step it is, where the file goes)
ALLOWED = [
    ("submit", S.DRAFT, "branch_officer", S.SUBMITTED),
    ("review", S.SUBMITTED, "county_staff", S.REVIEWED),
    ("reject", S.SUBMITTED, "county_staff", S.DRAFT),
    ("approve", S.REVIEWED, "city_staff", S.ACTIVE),
    ("reject", S.REVIEWED, "city_staff", S.DRAFT),
    ("reverify", S.ACTIVE, "branch_officer", S.REVERIFYING),
    ("exit", S.ACTIVE, "county_staff", S.EXITED),
    ("renew", S.REVERIFYING, "county_staff", S.ACTIVE),
    ("exit", S.REVERIFYING, "county_staff", S.EXITED),
    ("reject", S.REVERIFYING, "county_staff", S.ACTIVE),
]
ROLES = ("branch_officer", "county_staff", "city_staff", "leader")


@pytest.mark.parametrize(("step", "start", "role", "end"), ALLOWED, ids=[f"{a}-{s}-{r}" for a, s, r, _ in ALLOWED])
def test_each_step_is_taken_by_the_level_that_owns_it_and_recorded_on_the_timeline(
    request, file_at, step, start, role, end
):
    file = file_at(start)
    user = request.getfixturevalue(role)
    events_before = file.events.count()
    file = STEPS[step](user, file)
    file.refresh_from_db()
    assert file.status == end
    last = file.events.order_by("-at", "-id").first()
    assert file.events.count() == events_before + 1
    assert (last.actor, last.from_status, last.to_status) == (user, start, end)


@pytest.mark.parametrize(("step", "start", "owner", "end"), ALLOWED, ids=[f"{a}-{s}" for a, s, _o, _e in ALLOWED])
def test_every_other_role_is_refused_the_step_and_nothing_is_written(request, file_at, step, start, owner, end):
    file = file_at(start)
    for role in ROLES:
        if role == owner:
            continue
        user = request.getfixturevalue(role)
        before = (file.version, file.events.count())
        with pytest.raises((PermissionDenied, ValidationError)):
            STEPS[step](user, file)
        file.refresh_from_db()
        assert (file.status, file.version, file.events.count()) == (start, *before), role


OUT_OF_ORDER = [
    ("review", S.DRAFT, "county_staff"),
    ("approve", S.DRAFT, "city_staff"),
    ("approve", S.SUBMITTED, "city_staff"),
    ("renew", S.ACTIVE, "county_staff"),
    ("exit", S.DRAFT, "county_staff"),
    ("exit", S.SUBMITTED, "county_staff"),
    ("submit", S.SUBMITTED, "branch_officer"),
    ("submit", S.ACTIVE, "branch_officer"),
    ("reverify", S.REVERIFYING, "branch_officer"),
    ("reverify", S.EXITED, "branch_officer"),
    ("reject", S.DRAFT, "county_staff"),
    ("reject", S.ACTIVE, "county_staff"),
    ("reject", S.EXITED, "city_staff"),
]


@pytest.mark.parametrize(("step", "start", "role"), OUT_OF_ORDER, ids=[f"{a}-{s}" for a, s, _ in OUT_OF_ORDER])
def test_a_step_out_of_order_is_refused_clearly(request, file_at, step, start, role):
    file = file_at(start)
    with pytest.raises(ValidationError) as refused:
        STEPS[step](request.getfixturevalue(role), file)
    assert _code(refused) == "out_of_order"
    file.refresh_from_db()
    assert file.status == start


def test_rejecting_a_reviewed_file_is_the_citys_step_not_the_countys(file_at, county_clerk_2):
    file = file_at(S.REVIEWED)
    with pytest.raises(PermissionDenied):
        reject(county_clerk_2, file)


def test_the_submitter_cannot_review_their_own_file_even_after_promotion(tree, file_at, branch_officer):
    """Four eyes: nobody reviews a file they submitted (a branch officer who became county staff)."""
    file = file_at(S.SUBMITTED)
    branch_officer.role, branch_officer.organization = Role.COUNTY_STAFF, tree.county_a
    branch_officer.save()
    with pytest.raises(ValidationError) as refused:
        review(branch_officer, file)
    assert _code(refused) == "own_file"
    with pytest.raises(ValidationError):
        reject(branch_officer, file)
    file.refresh_from_db()
    assert file.status == S.SUBMITTED


def test_the_reviewer_cannot_approve_what_they_reviewed(tree, file_at, county_staff):
    file = file_at(S.REVIEWED)
    county_staff.role, county_staff.organization = Role.CITY_STAFF, tree.city
    county_staff.save()
    with pytest.raises(ValidationError) as refused:
        approve(county_staff, file)
    assert _code(refused) == "own_file"


def test_a_superuser_holding_every_right_still_needs_a_second_person(tree, superuser, file_at, branch_officer):
    file = file_at(S.DRAFT)
    data, household = household_data()
    superuser_file = services.create_file(actor=superuser, organization=tree.union_a1b, data=data, household=household)
    superuser_file = submit(superuser, superuser_file)
    with pytest.raises(ValidationError):
        review(superuser, superuser_file)
    assert file.status == S.DRAFT


def test_the_re_verification_submitter_cannot_renew_it(tree, file_at, branch_officer):
    file = file_at(S.REVERIFYING)
    branch_officer.role, branch_officer.organization = Role.COUNTY_STAFF, tree.county_a
    branch_officer.save()
    with pytest.raises(ValidationError):
        renew(branch_officer, file)
    with pytest.raises(ValidationError):
        leave(branch_officer, file)


def test_a_file_outside_scope_is_not_found_for_every_step(file_at, sibling_officer, county_b_staff, tree):
    city_b = UserFactory(role=Role.CITY_STAFF, organization=tree.county_b)
    for step, start, user in [
        ("submit", S.DRAFT, sibling_officer),
        ("review", S.SUBMITTED, county_b_staff),
        ("reject", S.SUBMITTED, county_b_staff),
        ("approve", S.REVIEWED, city_b),
        ("reverify", S.ACTIVE, sibling_officer),
        ("exit", S.ACTIVE, county_b_staff),
    ]:
        file = file_at(start)
        with pytest.raises(Http404):
            STEPS[step](user, file)


def test_rejection_needs_a_reason_and_returns_the_file_to_draft_for_the_branch(file_at, county_staff, branch_officer):
    file = file_at(S.SUBMITTED)
    with pytest.raises(ValidationError):
        reject(county_staff, file, reason="  ")
    file = reject(county_staff, file, reason="缺少收入证明")
    assert file.status == S.DRAFT and file.submitted_by is None
    event = file.events.order_by("-id").first()
    assert (event.action, event.reason) == (FileEvent.Action.REJECTED, "缺少收入证明")
    # the branch edits and submits again: a new round with a new submitter record
    file = submit(branch_officer, file)
    assert file.status == S.SUBMITTED and file.submitted_by == branch_officer
    assert Notification.objects.filter(recipient=branch_officer, kind="assistance.file_rejected").exists()


def test_approval_makes_the_file_active_for_a_year(file_at):
    file = file_at(S.ACTIVE)
    assert file.valid_until == services.add_months(timezone.localdate(), 12)
    assert file.approved_by is not None


def test_renewal_extends_the_file_by_a_year(file_at, county_clerk_2):
    file = file_at(S.REVERIFYING)
    due = file.valid_until
    file = renew(county_clerk_2, file)
    assert file.status == S.ACTIVE and file.valid_until == services.add_months(due, 12)


def test_exit_records_reason_and_schedules_follow_ups_at_6_and_12_months(file_at):
    file = file_at(S.EXITED)
    assert file.exited_on == timezone.localdate() and file.exit_reason == "income"
    assert sorted(FollowUp.objects.filter(file=file).values_list("months", flat=True)) == [6, 12]


def test_exit_for_another_reason_needs_a_note(file_at, county_staff):
    file = file_at(S.ACTIVE)
    with pytest.raises(ValidationError):
        services.exit_file(actor=county_staff, file=file, expected_version=file.version, reason="other")
    with pytest.raises(ValidationError):
        services.exit_file(actor=county_staff, file=file, expected_version=file.version, reason="nonsense")


def test_a_stale_version_is_refused_naming_who_changed_the_file(file_at, county_staff, county_clerk_2):
    file = file_at(S.SUBMITTED)
    seen = file.version
    review(county_staff, file)
    county_staff.first_name = "李娜"
    county_staff.save()
    with pytest.raises(ValidationError) as refused:
        services.reject_file(actor=county_clerk_2, file=file, expected_version=seen, reason="x")
    assert _code(refused) == "stale"
    assert "李娜" in refused.value.messages[0]
    file.refresh_from_db()
    assert file.status == S.REVIEWED


def test_the_whole_way_is_one_timeline_with_who_when_why(file_at, branch_officer, county_staff, city_staff):
    file = file_at(S.EXITED)
    events = list(file.events.order_by("at", "id").values_list("action", "actor__username", "to_status"))
    assert events == [
        ("created", "branch_a1a", "draft"),
        ("submitted", "branch_a1a", "submitted"),
        ("reviewed", "county_a", "reviewed"),
        ("approved", "city", "active"),
        ("reverification", "branch_a1a", "reverifying"),
        ("exited", "county_a", "exited"),
    ]


def test_each_step_tells_the_next_level(file_at, branch_officer, county_staff, city_staff, county_clerk_2):
    file = file_at(S.SUBMITTED)
    assert set(Notification.objects.filter(kind="assistance.file_submitted").values_list("recipient", flat=True)) == {
        county_staff.pk, county_clerk_2.pk,
    }
    file = review(county_staff, file)
    assert Notification.objects.filter(kind="assistance.file_reviewed", recipient=city_staff).exists()
    approve(city_staff, file)
    assert Notification.objects.filter(kind="assistance.file_approved", recipient=branch_officer).exists()


def test_a_household_that_slips_back_is_reopened_with_its_history(file_at, branch_officer):
    file = file_at(S.EXITED)
    events = file.events.count()
    follow_up = FollowUp.objects.get(file=file, months=6)
    with pytest.raises(ValidationError):
        services.record_follow_up(actor=branch_officer, follow_up=follow_up, slipped_back=True, note="")
    services.record_follow_up(actor=branch_officer, follow_up=follow_up, slipped_back=True, note="再次失业")
    file.refresh_from_db()
    assert file.status == S.DRAFT and file.exited_on is None
    assert file.events.count() == events + 1
    assert file.events.order_by("-id").first().action == FileEvent.Action.REOPENED
    assert not FollowUp.objects.filter(file=file, done_on__isnull=True).exists()


def test_a_follow_up_that_finds_the_household_fine_keeps_it_closed(file_at, branch_officer):
    file = file_at(S.EXITED)
    follow_up = FollowUp.objects.get(file=file, months=6)
    services.record_follow_up(actor=branch_officer, follow_up=follow_up, slipped_back=False)
    file.refresh_from_db()
    assert file.status == S.EXITED
    with pytest.raises(ValidationError):
        services.record_follow_up(actor=branch_officer, follow_up=follow_up, slipped_back=False)


def test_reopening_is_refused_when_the_household_has_a_new_open_file(tree, file_at, branch_officer, sibling_officer):
    file = file_at(S.EXITED)
    make_file(sibling_officer, tree.union_a1b, n=None, head_id_number=file.head_id_number)
    follow_up = FollowUp.objects.get(file=file, months=6)
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(actor=branch_officer, follow_up=follow_up, slipped_back=True, note="返困")
    assert "乙公司工会" in str(refused.value)
    file.refresh_from_db()
    assert file.status == S.EXITED
    assert HardshipFile.objects.filter(head_id_number=file.head_id_number).count() == 2


def test_a_draft_is_edited_only_as_a_draft(file_at, branch_officer):
    file = file_at(S.SUBMITTED)
    data, household = household_data(head_id_number=file.head_id_number)
    with pytest.raises(ValidationError) as refused:
        services.update_file(actor=branch_officer, file=file, expected_version=file.version, data=data,
                             household=household)
    assert _code(refused) == "out_of_order"


def test_submission_checks_the_household_size_against_the_members_listed(tree, branch_officer):
    data, household = household_data(size=3)
    with pytest.raises(ValidationError) as refused:
        services.create_file(actor=branch_officer, organization=tree.union_a1a, data=data, household=household[:1])
    assert "household_size" in refused.value.error_dict
    assert not HardshipFile.objects.exists()
