"""Membership transfer pages: incoming/outgoing lists, the overdue queue, request (either
side), decide (the other side). Who may do what is apps.members.services' rule alone."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.permissions import capability_required
from apps.core.privacy import mask_id_number
from apps.organizations.scope import is_in_scope

from . import selectors, services
from .forms import DecisionForm, TransferInForm, TransferOutForm
from .models import Transfer

TRANSFERS_SHOWN = 200


def _rows(user, transfers) -> list[dict]:
    """What a list row shows. The member's page is linked only where its row is in the
    user's scope: the receiving side sees name, masked ID and sending union until confirmed,
    and then the new membership."""
    rows = []
    for t in transfers:
        if is_in_scope(user, t.from_organization):
            member_pk = t.member_id
        elif t.resulting_member_id and is_in_scope(user, t.to_organization):
            member_pk = t.resulting_member_id
        else:
            member_pk = None
        rows.append(
            {
                "transfer": t,
                "masked_id": mask_id_number(t.member.id_number),
                "member_pk": member_pk,
                "can_decide": services.can_decide_transfer(user, t),
                "can_cancel": services.can_cancel_transfer(user, t),
            }
        )
    return rows


def _overdue_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.TRANSFER_OVERDUE_DAYS)


@login_required
@require_GET
def transfer_list(request):
    """"incoming": waiting for my side's decision; "outgoing": my side asked, the other decides."""
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    status = request.GET.get("status", Transfer.Status.PENDING)
    if status not in Transfer.Status.values:
        status = ""
    transfers = selectors.transfer_list(actor=request.user, direction=direction, status=status)
    return _render_list(request, transfers, direction=direction, status=status)


@login_required
@require_GET
def transfer_overdue(request):
    """Requests waiting longer than TRANSFER_OVERDUE_DAYS between two unions both in scope:
    the clerk above both can decide them (recorded as decided across sides)."""
    transfers = selectors.overdue_transfers(actor=request.user, older_than=_overdue_age(), now=timezone.now())
    return _render_list(request, transfers, direction="overdue", status=Transfer.Status.PENDING)


def _render_list(request, transfers, *, direction: str, status: str):
    return render(
        request,
        "members/transfer_list.html",
        {
            "rows": _rows(request.user, transfers[:TRANSFERS_SHOWN]),
            "direction": direction,
            "status": status,
            "statuses": Transfer.Status.choices,
            "limit": TRANSFERS_SHOWN,
            "overdue_days": settings.TRANSFER_OVERDUE_DAYS,
            "overdue_before": timezone.now() - _overdue_age(),
            "can_request": request.user.has_capability("members.transfer"),
        },
    )


def _asked(request, form, *, member, side: str) -> bool:
    """Request the transfer the form describes; a refusal becomes the form's error."""
    try:
        services.request_transfer(
            member=member,
            to_organization=form.cleaned_data["to_organization"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            side=side,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@login_required
@capability_required("members.transfer")
def transfer_out(request, pk: int):
    """The sending side asks to move one of its members to another union."""
    member = selectors.member_detail(actor=request.user, pk=pk)
    form = TransferOutForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid() and _asked(
        request, form, member=member, side=Transfer.Side.SENDING
    ):
        messages.success(request, _("The transfer was requested; the receiving union decides."))
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer_form.html", {"form": form, "member": member})


@login_required
@capability_required("members.transfer")
def transfer_in(request):
    """The receiving side asks for a person who is a current member of another union.

    The person is named by full ID number and name: an unknown number and a name that does
    not match get the same answer, every lookup is in the access log and a user has
    TRANSFER_LOOKUPS_PER_HOUR of them; nothing about the other membership is shown.
    """
    form = TransferInForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.look_up_member_for_transfer(
                actor=request.user,
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                to_organization=form.cleaned_data["to_organization"],
            )
        except services.TooManyLookups:
            limit = settings.TRANSFER_LOOKUPS_PER_HOUR
            form.add_error(
                None,
                _("You have looked up %(limit)s resident ID numbers within the hour, the most allowed; "
                  "try again later.") % {"limit": limit},
            )
            return render(request, "members/transfer_form.html", _request_page(form), status=429)
        if member is None:
            form.add_error(None, _("No current member with this ID number and name in another union."))
        elif _asked(request, form, member=member, side=Transfer.Side.RECEIVING):
            messages.success(request, _("The transfer was requested; the sending union decides."))
            return redirect(_list_url("outgoing"))
    return render(request, "members/transfer_form.html", _request_page(form))


def _request_page(form) -> dict:
    return {"form": form, "member": None, "lookups_per_hour": settings.TRANSFER_LOOKUPS_PER_HOUR}


def _list_url(direction: str) -> str:
    return f"{reverse('members:transfers')}?direction={direction}"


def _decide(request, pk: int, action, done_message: str):
    """Run confirm/reject; a decision the service refuses is shown as a message."""
    transfer = selectors.transfer_detail(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        action(transfer=transfer, actor=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message % {"name": transfer.member.name})
    return redirect(_list_url("incoming"))


@login_required
@require_POST
@capability_required("members.confirm_transfer")
def transfer_confirm(request, pk: int):
    return _decide(request, pk, services.confirm_transfer, _("The transfer of %(name)s was confirmed."))


@login_required
@require_POST
@capability_required("members.confirm_transfer")
def transfer_reject(request, pk: int):
    return _decide(request, pk, services.reject_transfer, _("The transfer of %(name)s was refused."))


@login_required
@require_POST
@capability_required("members.transfer")
def transfer_cancel(request, pk: int):
    transfer = selectors.transfer_detail(actor=request.user, pk=pk)
    try:
        services.cancel_transfer(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The transfer request was withdrawn."))
    return redirect(_list_url("outgoing"))
