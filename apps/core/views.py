from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from apps.organizations.selectors import scope_counts_by_kind


@login_required
def home(request):
    """The user's organization, role and scope (organizations by kind): one counting query."""
    by_kind = scope_counts_by_kind(actor=request.user)
    context = {
        "organization": request.user.organization,
        "scope_by_kind": by_kind,
        "scope_size": sum(count for _kind, _label, count in by_kind),
        "can_create": request.user.has_capability("organizations.create"),
    }
    return render(request, "core/home.html", context)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on their own (admin pages, downloads): the portal's
    icon, public like the login page, instead of a 404 logged on every first visit."""
    return redirect(static("favicon.svg"))
