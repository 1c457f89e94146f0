"""Merge / dissolve confirmation pages and the ledger panel of an organization's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from apps.core.permissions import capability_required

from ..lifecycle import dissolve_organization, merge_organization
from ..models import Organization
from ..selectors import get_organization
from . import selectors
from .forms import OrganizationChangeForm
from .views import _form_errors_from


def _organization(request, code) -> Organization:
    return get_organization(actor=request.user, code=code)


def _organization_page(org: Organization) -> str:
    """The organization's own page when the tree pages provide one, else the employer list."""
    for name in ("organizations:detail", "organizations:organization_detail"):
        try:
            return reverse(name, kwargs={"code": org.code})
        except NoReverseMatch:
            continue
    return reverse("organizations:employer_list")


def _change_page(request, code, *, merging: bool):
    source = _organization(request, code)
    form = OrganizationChangeForm(request.POST or None, user=request.user, source=source, merging=merging)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if merging:
                target = form.cleaned_data["target"]
                merge_organization(source=source, target=target, by=request.user, reason=reason)
                messages.success(
                    request,
                    _("%(source)s was merged into %(target)s.") % {"source": source, "target": target},
                )
                return redirect(_organization_page(target))
            dissolve_organization(org=source, by=request.user, reason=reason)
            messages.success(request, _("%(name)s was dissolved.") % {"name": source})
            return redirect(_organization_page(source))
        except ValidationError as exc:
            _form_errors_from(form, exc)
    summary = selectors.organization_ledger_summary(actor=request.user, organization=source)
    context = {
        "form": form,
        "organization": source,
        "merging": merging,
        **summary,
        "children_count": source.children.filter(status=Organization.Status.ACTIVE).count(),
    }
    return render(request, "organizations/ledger/organization_change.html", context)


@login_required
@capability_required("organizations.merge")
def organization_merge(request, code):
    return _change_page(request, code, merging=True)


@login_required
@capability_required("organizations.merge")
def organization_dissolve(request, code):
    return _change_page(request, code, merging=False)


@login_required
def organization_ledger_panel(request, code):
    """htmx partial for the organization page: employers covered, instructors, demonstration status, changes."""
    org = _organization(request, code)
    context = selectors.organization_ledger_summary(actor=request.user, organization=org)
    return render(request, "organizations/ledger/_org_ledger_panel.html", context)
