"""Organization pages: list, tree, detail, create, edit, merge, dissolve. Thin: scope and reads come from
selectors, writes from services. Outside the scope → 404 (before any right is checked,
so a refusal never confirms that a row exists); a missing right inside it → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from apps.core.forms import add_service_errors
from apps.core.permissions import capability_required, require_capability

from . import selectors, services
from .filters import OrganizationFilter
from .forms import OrganizationChangeForm, OrganizationCreateForm, OrganizationEditForm
from .models import Organization
from .scope import visible_organizations
from .tables import STATUS_BADGES, OrganizationTable


class OrganizationListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    filterset_class = OrganizationFilter
    table_class = OrganizationTable
    template_name = "organizations/organization_list.html"
    # The table paginates (one COUNT, one page); the view itself must not paginate again.
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return selectors.organization_list(actor=self.request.user)

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs["perms_create"] = self.request.user.has_capability("organizations.create")
        return super().get_context_data(**kwargs)


@login_required
def tree(request):
    roots = selectors.tree_roots(actor=request.user)
    # One root (everybody but a superuser): show its first level straight away.
    first_level = selectors.tree_children(actor=request.user, parent=roots[0]) if len(roots) == 1 else None
    return render(request, "organizations/tree.html", {"roots": roots, "first_level": first_level})


@login_required
def tree_children(request, code):
    parent = selectors.get_organization(actor=request.user, code=code)
    try:
        offset = int(request.GET.get("offset", 0))
    except ValueError:
        offset = 0
    page = selectors.tree_children(actor=request.user, parent=parent, offset=offset)
    return render(request, "organizations/_tree_children.html", {"page": page})


@login_required
@require_GET
def organization_search(request):
    """The organization picker's matches (htmx partial, picker.py): by name or code, in the
    user's scope and the kinds the form allows; ?kinds=a,b ?active=0 ?exclude=CODE narrow
    as the form's field does. What the form accepts is its own field's to decide."""
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in Organization.Kind.values]
    exclude_code = request.GET.get("exclude")
    exclude = visible_organizations(request.user).filter(code=exclude_code).first() if exclude_code else None
    choices = selectors.organization_choices(
        actor=request.user, kinds=kinds, active_only=request.GET.get("active") != "0", exclude=exclude
    )
    limit = selectors.PICKER_RESULTS
    results = selectors.search_organizations(choices, request.GET.get("q", ""), limit=limit)
    context = {"results": results[:limit], "more": len(results) > limit, "limit": limit}
    return render(request, "organizations/_search_results.html", context)


@login_required
def detail(request, code):
    org = selectors.get_organization(actor=request.user, code=code)
    context = {
        "org": org,
        "ancestors": selectors.ancestors_in_scope(actor=request.user, organization=org),
        "summary": selectors.children_summary(organization=org),
        "history": selectors.recent_history(organization=org),
        "changes": selectors.organization_changes(organization=org),
        "status_badge": STATUS_BADGES.get(org.status, "text-bg-light"),
        "can_edit": request.user.has_capability("organizations.edit"),
        "can_merge": request.user.has_capability("organizations.merge"),
        "can_create": request.user.has_capability("organizations.create") and bool(services.allowed_child_kinds(org)),
    }
    return render(request, "organizations/detail.html", context)




@login_required
def create(request):
    parent_code = request.GET.get("parent")
    parent = selectors.get_organization(actor=request.user, code=parent_code) if parent_code else None
    require_capability(request.user, "organizations.create")
    form = OrganizationCreateForm(request.POST or None, user=request.user, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.add_organization(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organization %(name)s was created.") % {"name": org.name})
            return redirect("organizations:detail", code=org.code)
    ancestors = selectors.ancestors_in_scope(actor=request.user, organization=parent) + [parent] if parent else []
    return render(request, "organizations/form.html", {"form": form, "parent": parent, "org": None, "ancestors": ancestors})


@login_required
def edit(request, code):
    org = selectors.get_organization(actor=request.user, code=code)
    require_capability(request.user, "organizations.edit")
    form = OrganizationEditForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organization %(name)s was saved.") % {"name": form.cleaned_data["name"]})
            return redirect("organizations:detail", code=org.code)
    ancestors = selectors.ancestors_in_scope(actor=request.user, organization=org)
    return render(request, "organizations/form.html", {"form": form, "org": org, "ancestors": ancestors})


def _change_page(request, code, *, merging: bool):
    source = selectors.get_organization(actor=request.user, code=code)
    form = OrganizationChangeForm(request.POST or None, user=request.user, source=source, merging=merging)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if merging:
                target = form.cleaned_data["target"]
                services.merge_organization(actor=request.user, source=source, target=target, reason=reason)
                messages.success(
                    request,
                    _("%(source)s was merged into %(target)s.") % {"source": source, "target": target},
                )
                return redirect("organizations:detail", code=target.code)
            services.dissolve_organization(actor=request.user, organization=source, reason=reason)
            messages.success(request, _("%(name)s was dissolved.") % {"name": source})
            return redirect("organizations:detail", code=source.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {
        "form": form,
        "organization": source,
        "merging": merging,
        "children_count": source.children.filter(status=Organization.Status.ACTIVE).count(),
        "changes": selectors.organization_changes(organization=source),
    }
    return render(request, "organizations/organization_change.html", context)


@login_required
@capability_required("organizations.merge")
def merge(request, code):
    return _change_page(request, code, merging=True)


@login_required
@capability_required("organizations.merge")
def dissolve(request, code):
    return _change_page(request, code, merging=False)
