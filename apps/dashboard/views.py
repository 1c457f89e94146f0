from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.organizations.selectors import scope_counts_by_kind

from .cards import cards_for


@login_required
def home(request):
    """Each role's start page: their organization, role and scope (organizations by kind),
    and a card per area of their work with what waits there (cards.py).

    Reads other apps only through their selectors (the dashboard layer's contract)."""
    by_kind = scope_counts_by_kind(actor=request.user)
    context = {
        "organization": request.user.organization,
        "scope_by_kind": by_kind,
        "scope_size": sum(count for _kind, _label, count in by_kind),
        "can_create": request.user.has_capability("organizations.create"),
        "cards": cards_for(request.user),
    }
    return render(request, "dashboard/home.html", context)
