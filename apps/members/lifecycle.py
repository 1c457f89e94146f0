"""What happens to the membership roll when a union is merged or dissolved.

Registered in apps.organizations.services.MOVE_HOOKS by MembersConfig.ready(), so the
organizations app stays ignorant of members while a merge still moves them.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from . import counts
from .models import CURRENT_STATUSES, Member, Transfer


def move_members_on_merge_or_dissolve(*, source, target, actor, reason) -> dict:
    """Merge: current memberships (active/retained) and pending transfers move to `target`,
    each member with a history row naming who and why; past memberships stay where they
    were, as the merged union's record. Dissolve (`target` None): refused while the union
    still holds current members or pending transfers — they must be transferred first,
    never left in a union that no longer exists. The kept member figures move with the
    members (apps.members.counts)."""
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
