"""Member pages: list, detail with history, create/edit, status, reveal, export, access log.

Thin: parse the request, call a selector or a service, render. A member outside scope
answers 404 (selectors.member_detail); a missing right answers 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.core.forms import add_service_errors
from apps.core.permissions import capability_required, require_capability
from apps.core.privacy import birth_year, mask_id_number, mask_phone
from apps.organizations.models import Organization
from apps.organizations.scope import get_visible_or_404, visible_organizations
from apps.organizations.selectors import get_organization

from . import selectors, services
from .exports import export_response, fits_in_request
from .filters import MemberFilter
from .forms import FindForm, MemberForm, StatusForm
from .models import MemberExport
from .tables import AccessLogTable, MemberTable

PER_PAGE = 25




@login_required
@require_GET
def member_list(request):
    member_filter = MemberFilter(request.GET, actor=request.user)
    table = MemberTable(member_filter.qs)
    # LazyPaginator: one LIMIT query per page, no COUNT(*) over the scope on every view.
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "table": table,
            "query": request.GET.urlencode(),
            "can_edit": request.user.has_capability("members.edit"),
            "can_export": request.user.has_capability("members.export"),
            "can_reveal": request.user.has_capability("members.reveal"),
        },
    )


@login_required
@require_POST
def member_find(request):
    """Find a person by full resident ID number: POST, so the number never sits in a URL.
    One membership in scope → its page; several (earlier memberships) → a short list."""
    form = FindForm(request.POST)
    found = selectors.find_by_id_number(actor=request.user, id_number=form.data.get("id_number", ""))
    if len(found) == 1:
        return redirect("members:detail", pk=found[0].pk)
    if not found:
        messages.warning(request, _("No member with this resident ID number in your scope."))
        return redirect("members:list")
    return render(request, "members/member_found.html", {"table": MemberTable(found, orderable=False)})


@login_required
@require_GET
def member_count(request):
    """The explicit "count" button of the list (htmx): the kept figures where they answer the
    filters, else one COUNT."""
    member_filter = MemberFilter(request.GET, actor=request.user)
    return HttpResponse(_("%(count)s members") % {"count": f"{member_filter.count():,}"})


@login_required
@require_GET
def member_detail(request, pk: int):
    member = selectors.member_detail(actor=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "masked_id": mask_id_number(member.id_number),
            "masked_phone": mask_phone(member.phone),
            "birth_year": birth_year(member.birth_date),
            "history": selectors.member_history(member=member),
            "transfers": list(selectors.member_transfers(member=member)),
            "other_memberships": list(selectors.other_memberships(actor=user, member=member)),
            "can_edit": user.has_capability("members.edit") and member.is_current,
            # a withdrawn member may rejoin; a transferred-out row is closed for good
            "can_change_status": user.has_capability("members.edit")
            and member.status != member.Status.TRANSFERRED_OUT,
            "can_transfer": user.has_capability("members.transfer") and member.is_current,
            "can_reveal": user.has_capability("members.reveal"),
        },
    )


@login_required
@require_POST
@capability_required("members.reveal")
def member_reveal(request, pk: int):
    """Show one protected field in full (htmx swap), written to the access log first."""
    member = selectors.member_detail(actor=request.user, pk=pk)
    field = request.POST.get("field")
    if field not in ("id_number", "phone"):
        return HttpResponse(status=400)
    record_sensitive_access(
        actor=request.user,
        action=SensitiveAccess.Action.REVEAL,
        subject=member,
        organization=member.organization,
        detail=field,
    )
    value = getattr(member, field)
    response = render(request, "members/_revealed.html", {"value": value, "member": member, "field": field})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@capability_required("members.edit")
def member_create(request):
    form = MemberForm(request.POST or None, actor=request.user, with_organization=True)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.create_member(
                actor=request.user, organization=form.cleaned_data["organization"], data=form.member_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The member was added."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "title": _("New member")})


def _initial(member) -> dict:
    """The edit form's starting values: everything but the ID and phone numbers (see MemberForm)."""
    data = {f: getattr(member, f) for f in services.EDITABLE_FIELDS if f not in ("id_number", "phone")}
    data["joined_on"] = member.joined_on.isoformat() if member.joined_on else ""
    data["sex"] = member.sex
    return data


@login_required
@capability_required("members.edit")
def member_edit(request, pk: int):
    member = selectors.member_detail(actor=request.user, pk=pk)
    if not member.is_current:
        raise PermissionDenied
    form = MemberForm(
        request.POST or None,
        actor=request.user,
        with_organization=False,
        member=member,
        initial=_initial(member),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(actor=request.user, member=member, data=form.member_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/member_form.html", {"form": form, "member": member, "title": _("Edit member")}
    )


@login_required
@capability_required("members.edit")
def member_status(request, pk: int):
    member = selectors.member_detail(actor=request.user, pk=pk)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member_status(
                member=member,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_status.html", {"form": form, "member": member})


@login_required
@require_GET
@capability_required("members.export")
def member_export(request):
    """The current filtered list as .xlsx; unmasked only on request by a user who may reveal."""
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked:
        require_capability(request.user, "members.reveal")
    member_filter = MemberFilter(request.GET, actor=request.user)
    if unmasked:
        organization = member_filter.filters_value().organization or request.user.organization
        if organization is None:  # a superuser without an organization: log against the root
            organization = visible_organizations(request.user).order_by("depth").first()
        record_sensitive_access(
            actor=request.user,
            action=SensitiveAccess.Action.EXPORT_UNMASKED,
            subject=None,
            organization=organization,
            detail=_export_detail(request.GET),
        )
    queryset = member_filter.qs
    if fits_in_request(queryset):
        return export_response(queryset, unmasked=unmasked)
    params = request.GET.copy()
    params.pop("unmasked", None)
    export = services.request_member_export(actor=request.user, query=params.urlencode(), unmasked=unmasked)
    return redirect("members:export_status", pk=export.pk)


def _own_export(request, pk: int) -> MemberExport:
    """An export is its requester's alone (it holds personal data): anybody else gets 404."""
    return get_object_or_404(MemberExport, pk=pk, requested_by=request.user)


@login_required
@require_GET
def export_status(request, pk: int):
    """A large export being written in the background; the page polls itself (htmx)."""
    export = _own_export(request, pk)
    template = "members/_export_status.html" if request.htmx else "members/export_status.html"
    return render(request, template, {"export": export, "export_keep_days": settings.EXPORT_FILE_KEEP_DAYS})


@login_required
@require_GET
def export_download(request, pk: int):
    export = _own_export(request, pk)
    if export.status != MemberExport.Status.DONE:
        raise Http404
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=f"members-{stamp}.xlsx")


def _export_detail(params) -> str:
    """The filters of an unmasked export, for the log; a searched ID number is masked."""
    parts = []
    for key, value in params.items():
        if key in ("unmasked", "page", "sort") or not value:
            continue
        if key == "q" and any(c.isdigit() for c in value):
            value = mask_id_number(value) if len(value) > 6 else "*" * len(value)
        parts.append(f"{key}={value}")
    return "; ".join(parts) or _("all members in scope")


@login_required
@require_GET
@capability_required("audit.read")
def access_log(request):
    rows = selectors.sensitive_access_list(actor=request.user)
    table = AccessLogTable(rows)
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": 50}).configure(table)
    return render(request, "members/access_log.html", {"table": table})


@login_required
@require_GET
def organization_member_counts(request, org_pk: int):
    """The member counts box of an organization page (htmx partial, issue 4 item 8): the
    subtree's total and every child with its own, a page at a time with "more" (?offset=N
    answers the next rows only), and the children's total (issue 14 item 11)."""
    organization = get_visible_or_404(Organization.objects.all(), request.user, via="", pk=org_pk)
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    box = selectors.member_counts_box(actor=request.user, organization=organization, offset=offset)
    template = "members/_org_member_counts_rows.html" if offset else "members/_org_member_counts_body.html"
    return render(request, template, {"organization": organization, "box": box})


@login_required
@require_GET
def county_member_counts(request):
    """Members and new-employment-form members per county (htmx partial beside the
    establishment-rate and new-sector pages, issue 4 item 8); ?county=CODE narrows it."""
    county = None
    if code := request.GET.get("county"):
        county = get_organization(actor=request.user, code=code)
    rows = selectors.members_count_by_county(actor=request.user, county=county)
    total = {
        "members": sum(r["members"] for r in rows),
        "new_employment": sum(r["new_employment"] for r in rows),
    }
    return render(request, "members/_county_member_counts_body.html", {"rows": rows, "total": total})
