"""Every write to the membership roll: members, status changes and transfers.

Each function checks the rule it names, writes in one transaction and leaves the
simple-history record (who, when, why) on every changed member row.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.core.permissions import require_capability
from apps.core.privacy import mask_id_number
from apps.core.ratelimit import take_one
from apps.employers.models import Employer
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, is_in_scope, require_in_scope

from . import counts
from .cleaning import INPUT_FIELDS, clean_member_input
from .models import CURRENT_STATUSES, Member, MemberExport, MemberStatus, Transfer
from .selectors import current_membership
from .tasks import build_member_export_task

# What a clerk provides, less the sex: derived from the ID number (a given one is checked).
EDITABLE_FIELDS = tuple(f for f in INPUT_FIELDS if f != "sex")
# transferred_out is only ever set by confirm_transfer.
MANUAL_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RETAINED, MemberStatus.WITHDRAWN, MemberStatus.DECEASED)




def match_employer(*, employer_name: str, organization: Organization) -> Employer | None:
    """The ledger's employer of that exact name covered by the member's union, else the only
    employer of that name in the union's county; None when there is none or it is ambiguous."""
    if not employer_name:
        return None
    covered = list(Employer.objects.filter(name=employer_name, covering_union=organization)[:2])
    if len(covered) == 1:
        return covered[0]
    if organization.county_id is None:
        return None
    in_county = list(Employer.objects.filter(name=employer_name, county_id=organization.county_id)[:2])
    return in_county[0] if len(in_county) == 1 else None


def _current_membership_error() -> ValidationError:
    return ValidationError(
        {
            "id_number": ValidationError(
                _(
                    "This person already holds a membership in another union organization; "
                    "ask for a membership transfer instead."
                ),
                code="already_member",
            )
        }
    )


def _save_with_history(member: Member, *, actor, reason: str) -> None:
    member._history_user = actor
    member._change_reason = reason[:100] if reason else None
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        if "member_one_current_membership" in str(exc):
            raise _current_membership_error() from exc
        raise


@transaction.atomic
def create_member(*, actor, organization: Organization, data: dict) -> Member:
    """Add a member to a union in the actor's scope. The fields pass the same rules as the
    roster upload (clean_member_input); a person who already holds a current membership
    anywhere in the city is refused (database constraint): that is a transfer."""
    require_capability(actor, "members.edit")
    require_in_scope(actor, organization=organization)
    cleaned = clean_member_input({**data, "name": data.get("name"), "id_number": data.get("id_number")})
    member = Member(organization=organization, status=MemberStatus.ACTIVE, **cleaned)
    member.employer = match_employer(employer_name=member.employer_name, organization=organization)
    member.status_changed_on = timezone.localdate()
    _save_with_history(member, actor=actor, reason=_("created"))
    counts.record_change(added=[counts.key_of(member)])
    return member


@transaction.atomic
def update_member(*, actor, member: Member, data: dict) -> Member:
    """Change a member's personal fields (not the union: that is a transfer; not the
    status: change_status). Same rules as create_member; sex and birth date re-derive."""
    require_capability(actor, "members.edit")
    ensure_visible(actor, member.organization)
    before = counts.locked_keys([member.pk])
    cleaned = clean_member_input({k: v for k, v in data.items() if k in EDITABLE_FIELDS + ("sex",)})
    joined_on, born = cleaned.get("joined_on"), cleaned.get("birth_date", member.birth_date)
    if joined_on and born and joined_on < born:
        raise ValidationError(
            {
                "joined_on": ValidationError(
                    _("The joining date lies before the birth date in the ID number."),
                    code="joined_before_birth",
                )
            }
        )
    for field, value in cleaned.items():
        setattr(member, field, value)
    if "employer_name" in cleaned:
        member.employer = match_employer(employer_name=member.employer_name, organization=member.organization)
    _save_with_history(member, actor=actor, reason=_("edited"))
    counts.record_change(removed=before, added=[counts.key_of(member)])
    return member


@transaction.atomic
def change_member_status(*, actor, member: Member, status: str, on: datetime.date, reason: str) -> Member:
    """Record a status change (retained on retirement, withdrawn, deceased, back to active)
    with its date and reason. "Transferred out" only comes from a confirmed transfer; a
    return to a current status is refused when the person is a member elsewhere."""
    require_capability(actor, "members.edit")
    ensure_visible(actor, member.organization)
    errors = {}
    if status not in MANUAL_STATUSES:
        errors["status"] = _("A member is transferred out by confirming a membership transfer.")
    elif status == member.status:
        errors["status"] = _("The member already has this status.")
    if member.status == MemberStatus.TRANSFERRED_OUT:
        errors["status"] = _("This membership was transferred to another union and is closed.")
    if on > timezone.localdate():
        errors["on"] = _("The date %(date)s is in the future.") % {"date": on.isoformat()}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the change.")
    if errors:
        raise ValidationError(errors)
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = counts.key_of(member)
    member.status = status
    member.status_changed_on = on
    member.status_reason = reason.strip()[:200]
    _save_with_history(member, actor=actor, reason=member.status_reason)
    counts.record_change(removed=[before], added=[counts.key_of(member)])
    return member


# --- membership transfers (DESIGN.md "Membership transfer") ---------------------------------


class TooManyLookups(Exception):
    """The user has made TRANSFER_LOOKUPS_PER_HOUR lookups by full ID number within the hour."""


def record_id_lookup(
    *, actor, id_number: str, found: Member | None, matched: bool, organization: Organization, via: str
) -> None:
    """Write a lookup by full ID number outside the actor's scope to the access log: whom it
    found (the number only masked) and whether the name agreed; `organization` is the
    asking union, logged when nobody was found."""
    if found is None:
        outcome = _("no current member")
    elif matched:
        outcome = _("name agreed")
    else:
        outcome = _("name did not agree")
    record_sensitive_access(
        actor=actor,
        action=SensitiveAccess.Action.ID_LOOKUP,
        subject=found,
        organization=found.organization if found is not None else organization,
        detail=_("%(via)s: %(id_number)s, %(outcome)s")
        % {"via": via, "id_number": mask_id_number(id_number), "outcome": outcome},
    )


def look_up_member_for_transfer(
    *, actor, id_number: str, name: str, to_organization: Organization
) -> Member | None:
    """The current membership of the person with this full ID number and this name, for a
    receiving-side request; None when the number is unknown and None when the name differs,
    so the answer says nothing more than "this person, under this name" (no oracle). Every
    lookup is written to the access log and counted: TRANSFER_LOOKUPS_PER_HOUR per user,
    then TooManyLookups (the number is not looked up)."""
    require_capability(actor, "members.transfer")
    require_in_scope(actor, to_organization=to_organization)
    if not take_one(
        action="transfer_lookup", user=actor, limit=settings.TRANSFER_LOOKUPS_PER_HOUR, window_seconds=3600
    ):
        raise TooManyLookups
    found = current_membership(id_number=id_number)
    matched = found is not None and found.name == name
    record_id_lookup(
        actor=actor,
        id_number=id_number,
        found=found,
        matched=matched,
        organization=to_organization,
        via=_("transfer request"),
    )
    return found if matched else None


@transaction.atomic
def request_transfer(
    *, actor, member: Member, to_organization: Organization, reason: str, side: str
) -> Transfer:
    """Ask to move a current membership to another union; the other side decides. The
    sending side asks for a member of its scope; the receiving side for a union of its scope
    (it named the person by full ID number and name, or a roster conflict did). One pending
    transfer per member."""
    require_capability(actor, "members.transfer")
    if side == Transfer.Side.SENDING:
        ensure_visible(actor, member.organization)
    elif side == Transfer.Side.RECEIVING:
        require_in_scope(actor, to_organization=to_organization)
    else:
        raise ValueError(f"unknown side {side!r}")
    if not member.is_current:
        raise ValidationError(_("Only an active or retained membership can be transferred."))
    if to_organization.pk == member.organization_id:
        raise ValidationError({"to_organization": _("The member already belongs to this union.")})
    if to_organization.status != Organization.Status.ACTIVE:
        raise ValidationError({"to_organization": _("This union organization is no longer active.")})
    transfer = Transfer(
        member=member,
        from_organization_id=member.organization_id,
        to_organization=to_organization,
        initiated_by_side=side,
        requested_by=actor,
        reason=(reason or "").strip()[:200],
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as exc:
        if "transfer_one_pending_per_member" in str(exc):
            raise ValidationError(_("A transfer of this member is already waiting for a decision.")) from exc
        raise
    return transfer


def can_decide_transfer(user, transfer: Transfer) -> bool:
    """The side that did not ask decides: its union, or a clerk whose scope covers it
    (members.confirm_transfer). The side that asked never completes its own request, unless
    the user's scope covers both unions (decides_across_sides: recorded on the transfer).
    The one rule behind the buttons and behind confirm_transfer/reject_transfer."""
    return (
        transfer.status == Transfer.Status.PENDING
        and user.has_capability("members.confirm_transfer")
        and is_in_scope(user, transfer.deciding_organization)
    )


def decides_across_sides(user, transfer: Transfer) -> bool:
    """A decider whose scope also covers the side that asked (the county of both, the city)."""
    return is_in_scope(user, transfer.requesting_organization)


def can_cancel_transfer(user, transfer: Transfer) -> bool:
    """The side that asked may withdraw its pending request (its union or a clerk above it)."""
    return (
        transfer.status == Transfer.Status.PENDING
        and user.has_capability("members.transfer")
        and is_in_scope(user, transfer.requesting_organization)
    )


def _lock_pending(transfer: Transfer) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_organization", "to_organization")
        .get(pk=transfer.pk)
    )
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been decided."))
    return transfer


def _record_decision(transfer: Transfer, *, actor, status: str, note: str) -> None:
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()[:200]
    transfer.decided_across_sides = status != Transfer.Status.CANCELLED and decides_across_sides(actor, transfer)
    transfer.save()


@transaction.atomic
def confirm_transfer(*, actor, transfer: Transfer, note: str = "") -> Member:
    """Move the membership (can_decide_transfer: the side that did not ask, or a clerk above
    both), in one transaction: the sending union's row becomes "transferred out" and a new
    current row opens in the receiving union, keeping the person's data and joining date;
    both rows' history and the Transfer row record it."""
    transfer = _lock_pending(transfer)
    if not can_decide_transfer(actor, transfer):
        raise PermissionDenied
    old = Member.objects.select_for_update().select_related("organization").get(pk=transfer.member_id)
    if not old.is_current or old.organization_id != transfer.from_organization_id:
        raise ValidationError(_("The membership changed since the transfer was requested; ask again."))
    today = timezone.localdate()
    kept_status = old.status
    to_org = transfer.to_organization
    old.status = MemberStatus.TRANSFERRED_OUT
    old.status_changed_on = today
    old.status_reason = (_("Transferred to %(union)s") % {"union": to_org.name})[:200]
    _save_with_history(old, actor=actor, reason=old.status_reason)
    new = Member(
        **{f: getattr(old, f) for f in EDITABLE_FIELDS + ("sex", "birth_date")},
        organization=to_org,
        status=kept_status,
        status_changed_on=today,
        status_reason=(_("Transferred from %(union)s") % {"union": old.organization.name})[:200],
    )
    new.employer = match_employer(employer_name=new.employer_name, organization=to_org)
    _save_with_history(new, actor=actor, reason=new.status_reason)
    counts.record_change(removed=[counts.key_of(old, status=kept_status)], added=[counts.key_of(new)])
    transfer.resulting_member = new
    _record_decision(transfer, actor=actor, status=Transfer.Status.CONFIRMED, note=note)
    return new


@transaction.atomic
def reject_transfer(*, actor, transfer: Transfer, note: str) -> Transfer:
    """Refuse a pending transfer with a reason (can_decide_transfer: the side that did not
    ask, or a clerk above both); the membership stays where it is."""
    transfer = _lock_pending(transfer)
    if not can_decide_transfer(actor, transfer):
        raise PermissionDenied
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for refusing the transfer.")})
    _record_decision(transfer, actor=actor, status=Transfer.Status.REJECTED, note=note)
    return transfer


@transaction.atomic
def cancel_transfer(*, actor, transfer: Transfer) -> Transfer:
    """Withdraw a pending request (can_cancel_transfer: only the side that asked)."""
    transfer = _lock_pending(transfer)
    if not can_cancel_transfer(actor, transfer):
        raise PermissionDenied
    _record_decision(transfer, actor=actor, status=Transfer.Status.CANCELLED, note="")
    return transfer


# --- merge and dissolve (registered in organizations.services.MOVE_HOOKS) -------------


def move_members_on_merge_or_dissolve(*, source, target, actor, reason) -> dict:
    """Merge: current memberships (active/retained) and pending transfers move to `target`,
    each member with a history row naming who and why; past memberships stay where they
    were, as the merged union's record. Dissolve (`target` None): refused while the union
    still holds current members or pending transfers — they must be transferred first,
    never left in a union that no longer exists. The kept member figures move with the
    members (apps.members.counts), in the merge's transaction."""
    current = Member.objects.filter(organization=source, status__in=CURRENT_STATUSES)
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING)
    if target is None:
        count = current.count()
        if count or pending.filter(Q(from_organization=source) | Q(to_organization=source)).exists():
            raise ValidationError(
                _(
                    "%(count)d current members (or pending transfers) belong to this union; "
                    "transfer them to another union first."
                )
                % {"count": count}
            )
        return {}
    # Locked while they move, so that the figures move with exactly these memberships.
    moved_ids = list(current.select_for_update().order_by("pk").values_list("pk", flat=True))
    before = counts.locked_keys(moved_ids)
    Member.objects.filter(pk__in=moved_ids).update(organization=target)
    counts.record_change(removed=before, added=[k.moved_to(target.pk) for k in before])
    Member.history.bulk_history_create(
        list(Member.objects.filter(pk__in=moved_ids)),
        update=True,
        default_user=actor,
        default_change_reason=reason,
    )
    pending.filter(from_organization=source).update(from_organization=target)
    pending.filter(to_organization=source).update(to_organization=target)
    return {"members": len(moved_ids)}


# --- background exports ---------------------------------------------------------------


@transaction.atomic
def request_member_export(*, actor, query: str, unmasked: bool) -> MemberExport:
    """Record a background export of the member list as filtered by `query` and enqueue it
    once committed. The rows are chosen again by the task, in the requester's scope then."""
    export = MemberExport.objects.create(requested_by=actor, query=query[:1000], unmasked=unmasked)
    build_member_export_task.delay(export_id=export.pk)
    return export
