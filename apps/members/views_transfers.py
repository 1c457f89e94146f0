"""Membership transfer pages: incoming/outgoing lists, request (either side), decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.permissions import capability_required
from apps.core.privacy import mask_id_number

from . import selectors, services
from .forms import DecisionForm, TransferInForm, TransferOutForm
from .models import Transfer

TRANSFERS_SHOWN = 200


@login_required
@require_GET
def transfer_list(request):
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    status = request.GET.get("status", Transfer.Status.PENDING)
    if status not in Transfer.Status.values:
        status = ""
    transfers = list(
        selectors.transfer_list(actor=request.user, direction=direction, status=status)[:TRANSFERS_SHOWN]
    )
    rows = [
        (t, mask_id_number(t.member.id_number), services.can_decide_transfer(request.user, t))
        for t in transfers
    ]
    return render(
        request,
        "members/transfer_list.html",
        {
            "rows": rows,
            "direction": direction,
            "status": status,
            "statuses": Transfer.Status.choices,
            "limit": TRANSFERS_SHOWN,
            "can_request": request.user.has_capability("members.transfer"),
        },
    )


@login_required
@capability_required("members.transfer")
def transfer_out(request, pk: int):
    """The sending side asks to move one of its members to another union."""
    member = selectors.member_detail(actor=request.user, pk=pk)
    form = TransferOutForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_transfer(
                member=member,
                to_organization=form.cleaned_data["to_organization"],
                requested_by=request.user,
                reason=form.cleaned_data["reason"],
                side=Transfer.Side.SENDING,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The transfer was requested; the receiving union decides."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer_form.html", {"form": form, "member": member})


@login_required
@capability_required("members.transfer")
def transfer_in(request):
    """The receiving side asks for a person who is a current member of another union.

    The person is found by the full ID number and the name must match, so the form does
    not become a way to look people up; nothing about the other membership is shown.
    """
    form = TransferInForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        member = selectors.current_membership(id_number=form.cleaned_data["id_number"])
        if member is None or member.name != form.cleaned_data["name"]:
            form.add_error(None, _("No current member with this ID number and name in another union."))
        else:
            try:
                services.request_transfer(
                    member=member,
                    to_organization=form.cleaned_data["to_organization"],
                    requested_by=request.user,
                    reason=form.cleaned_data["reason"],
                    side=Transfer.Side.RECEIVING,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The transfer was requested."))
                return redirect(_list_url("incoming"))
    return render(request, "members/transfer_form.html", {"form": form, "member": None})


def _list_url(direction: str) -> str:
    return f"{reverse('members:transfers')}?direction={direction}"


def _decide(request, pk: int, action, done_message: str):
    """Run confirm/reject; a decision the service refuses is shown as a message."""
    transfer = selectors.transfer_detail(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        action(transfer=transfer, by=request.user, note=form.cleaned_data.get("note", ""))
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
        services.cancel_transfer(transfer=transfer, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The transfer request was withdrawn."))
    direction = "outgoing" if transfer.initiated_by_side == Transfer.Side.SENDING else "incoming"
    return redirect(_list_url(direction))
