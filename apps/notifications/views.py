"""The bell, the list, read marks and the e-mail choice: each user's own notifications only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PER_PAGE = 30


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.notification_list(actor=request.user, unread_only=unread_only), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(actor=request.user),
            "email_enabled": selectors.email_enabled(actor=request.user),
            "has_email": bool(request.user.email),
        },
    )


@login_required
@require_GET
def bell(request):
    """The navbar's unread count (htmx, loaded once with each page). Never polled: every request
    renews the session (SESSION_SAVE_EVERY_REQUEST), so a poll would defeat the idle timeout."""
    response = render(request, "notifications/_bell_count.html", {"unread": selectors.unread_count(actor=request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark read and go where the notification points (a path inside the portal)."""
    notification = selectors.own_notification(actor=request.user, pk=pk)
    services.mark_read(actor=request.user, notification=notification)
    target = notification.url
    if request.POST.get("stay") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_POST
def notification_preferences(request):
    enabled = request.POST.get("email_enabled") == "1"
    services.set_email_preference(actor=request.user, enabled=enabled)
    messages.success(request, _("E-mail notifications are on.") if enabled else _("E-mail notifications are off."))
    return redirect("notifications:list")
