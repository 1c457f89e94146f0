from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .scoping import visible_organizations


@login_required
def home(request):
    scope = visible_organizations(request.user)
    context = {
        "organization": request.user.organization,
        "scope_size": scope.count(),
    }
    return render(request, "core/home.html", context)
