"""The ledger panel of an organization's page (registered in EmployersConfig.ready())."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.organizations.selectors import get_organization

from . import selectors


@login_required
def organization_ledger_panel(request, code):
    """htmx partial for the organization page: employers covered, instructors, demonstration status."""
    org = get_organization(actor=request.user, code=code)
    context = selectors.organization_ledger_summary(actor=request.user, organization=org)
    return render(request, "employers/_org_ledger_panel.html", context)
