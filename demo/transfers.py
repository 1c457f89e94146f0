"""Demo step: a few pending membership transfers in each direction, so a new user finds the
transfer pages with something to decide (issue 14, 4.14). Made through the members
services, as clerks would make them; skipped when pending transfers already exist.

For the demo branch officer's union (兰山区):
- two requests from other unions' side (sending side, asked by the county clerk above them)
  to move a member INTO the officer's union: the officer decides them ("for my side to decide");
- two requests by the officer's union (receiving side) for members of other unions: the
  other side decides ("asked by my side");
- one of the first kind dated 20 days back, so the county clerk's overdue queue has an entry.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.members import services
from apps.members.models import CURRENT_STATUSES, Member, Transfer


def seed(ctx) -> None:
    if Transfer.objects.filter(status=Transfer.Status.PENDING).exists():
        ctx.say("  transfers: pending transfers present, nothing to add")
        return
    officer = User.objects.filter(username="branch_officer").select_related("organization").first()
    county_clerk = User.objects.filter(username="county_staff").select_related("organization").first()
    if officer is None or county_clerk is None or officer.organization is None:
        ctx.say("  transfers: demo users missing, skipped")
        return
    own_union = officer.organization
    # Members of other unions in the same county, not already asked for.
    others = list(
        Member.objects.filter(
            status__in=CURRENT_STATUSES, organization__path__startswith=county_clerk.organization.path
        )
        .exclude(organization=own_union)
        .order_by("id")[:4]
    )
    if len(others) < 4:
        ctx.say("  transfers: too few members in the county, skipped")
        return
    made = []
    with transaction.atomic():
        for member in others[:2]:
            made.append(services.request_transfer(
                actor=county_clerk, member=member, to_organization=own_union, reason="工作调动", side=Transfer.Side.SENDING,
            ))
        for member in others[2:]:
            made.append(services.request_transfer(
                actor=officer, member=member, to_organization=own_union, reason="本单位新入职", side=Transfer.Side.RECEIVING,
            ))
        # The first waits long enough to show in the county clerk's overdue queue.
        Transfer.objects.filter(pk=made[0].pk).update(
            requested_at=timezone.now() - datetime.timedelta(days=20)
        )
    ctx.say(f"  transfers: {len(made)} pending (2 for {own_union.name} to decide, 2 asked by it)")
