"""Every write to the membership roll: members, status changes and transfers.

Each function checks the rule it names, writes in one transaction and leaves the
simple-history record (who, when, why) on every changed member row.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.employers.models import Employer
from apps.organizations.models import Organization
from apps.organizations.scope import is_in_scope

from . import counts
from .cleaning import INPUT_FIELDS, clean_member_input
from .models import Member, MemberExport, MemberStatus, Transfer
from .tasks import build_member_export_task

# What a clerk provides, less the sex: derived from the ID number (a given one is checked).
EDITABLE_FIELDS = tuple(f for f in INPUT_FIELDS if f != "sex")
# transferred_out is only ever set by confirm_transfer.
MANUAL_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RETAINED, MemberStatus.WITHDRAWN, MemberStatus.DECEASED)


def _require(user, capability: str) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _require_scope(user, organization: Organization) -> None:
    if not is_in_scope(user, organization):
        raise PermissionDenied


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


def _save_with_history(member: Member, *, by, reason: str) -> None:
    member._history_user = by
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
    _require(actor, "members.edit")
    _require_scope(actor, organization)
    cleaned = clean_member_input({**data, "name": data.get("name"), "id_number": data.get("id_number")})
    member = Member(organization=organization, status=MemberStatus.ACTIVE, **cleaned)
    member.employer = match_employer(employer_name=member.employer_name, organization=organization)
    member.status_changed_on = timezone.localdate()
    _save_with_history(member, by=actor, reason=_("created"))
    counts.record_change(added=[counts.key_of(member)])
    return member


@transaction.atomic
def update_member(*, actor, member: Member, data: dict) -> Member:
    """Change a member's personal fields (not the union: that is a transfer; not the
    status: change_status). Same rules as create_member; sex and birth date re-derive."""
    _require(actor, "members.edit")
    _require_scope(actor, member.organization)
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
    _save_with_history(member, by=actor, reason=_("edited"))
    counts.record_change(removed=before, added=[counts.key_of(member)])
    return member


@transaction.atomic
def change_status(*, member: Member, status: str, on: datetime.date, reason: str, by) -> Member:
    """Record a status change (retained on retirement, withdrawn, deceased, back to active)
    with its date and reason. "Transferred out" only comes from a confirmed transfer; a
    return to a current status is refused when the person is a member elsewhere."""
    _require(by, "members.edit")
    _require_scope(by, member.organization)
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
    _save_with_history(member, by=by, reason=member.status_reason)
    counts.record_change(removed=[before], added=[counts.key_of(member)])
    return member


@transaction.atomic
def request_transfer(
    *, member: Member, to_organization: Organization, requested_by, reason: str, side: str
) -> Transfer:
    """Ask to move a current membership to another union. The sending side asks for a
    member of its scope; the receiving side for a union of its scope (it found the person
    through their full ID number or a roster conflict). One pending transfer per member."""
    _require(requested_by, "members.transfer")
    if side == Transfer.Side.SENDING:
        _require_scope(requested_by, member.organization)
    elif side == Transfer.Side.RECEIVING:
        _require_scope(requested_by, to_organization)
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
        requested_by=requested_by,
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
    """The receiving union (or a clerk above it) decides: scope covers the receiving union."""
    return (
        transfer.status == Transfer.Status.PENDING
        and user.has_capability("members.confirm_transfer")
        and is_in_scope(user, transfer.to_organization)
    )


def _lock_pending(transfer: Transfer, by) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("to_organization").get(pk=transfer.pk)
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been decided."))
    if not can_decide_transfer(by, transfer):
        raise PermissionDenied
    return transfer


@transaction.atomic
def confirm_transfer(*, transfer: Transfer, by, note: str = "") -> Member:
    """Move the membership, in one transaction: the sending union's row becomes
    "transferred out" and a new current row opens in the receiving union, keeping the
    person's data and joining date; both rows' history and the Transfer row record it."""
    transfer = _lock_pending(transfer, by)
    old = Member.objects.select_for_update().select_related("organization").get(pk=transfer.member_id)
    if not old.is_current or old.organization_id != transfer.from_organization_id:
        raise ValidationError(_("The membership changed since the transfer was requested; ask again."))
    today = timezone.localdate()
    kept_status = old.status
    to_org = transfer.to_organization
    old.status = MemberStatus.TRANSFERRED_OUT
    old.status_changed_on = today
    old.status_reason = (_("Transferred to %(union)s") % {"union": to_org.name})[:200]
    _save_with_history(old, by=by, reason=old.status_reason)
    new = Member(
        **{f: getattr(old, f) for f in EDITABLE_FIELDS + ("sex", "birth_date")},
        organization=to_org,
        status=kept_status,
        status_changed_on=today,
        status_reason=(_("Transferred from %(union)s") % {"union": old.organization.name})[:200],
    )
    new.employer = match_employer(employer_name=new.employer_name, organization=to_org)
    _save_with_history(new, by=by, reason=new.status_reason)
    counts.record_change(removed=[counts.key_of(old, status=kept_status)], added=[counts.key_of(new)])
    transfer.status = Transfer.Status.CONFIRMED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()[:200]
    transfer.resulting_member = new
    transfer.save()
    return new


@transaction.atomic
def reject_transfer(*, transfer: Transfer, by, note: str) -> Transfer:
    """Refuse a pending transfer (receiving union or a clerk above it), with a reason;
    the membership stays where it is."""
    transfer = _lock_pending(transfer, by)
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for refusing the transfer.")})
    transfer.status = Transfer.Status.REJECTED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()[:200]
    transfer.save()
    return transfer


@transaction.atomic
def cancel_transfer(*, transfer: Transfer, by) -> Transfer:
    """Withdraw one's own side's pending request (sending side: scope covers the sending
    union; receiving side: scope covers the receiving union)."""
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("from_organization", "to_organization")
        .get(pk=transfer.pk)
    )
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been decided."))
    side_org = (
        transfer.from_organization
        if transfer.initiated_by_side == Transfer.Side.SENDING
        else transfer.to_organization
    )
    _require(by, "members.transfer")
    _require_scope(by, side_org)
    transfer.status = Transfer.Status.CANCELLED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save()
    return transfer


# --- background exports ---------------------------------------------------------------


@transaction.atomic
def request_member_export(*, actor, query: str, unmasked: bool) -> MemberExport:
    """Record a background export of the member list as filtered by `query` and enqueue it
    once committed. The rows are chosen again by the task, in the requester's scope then."""
    export = MemberExport.objects.create(requested_by=actor, query=query[:1000], unmasked=unmasked)
    build_member_export_task.delay(export_id=export.pk)
    return export
