"""Hardship file pages: the list with its queues, a file with its timeline, the forms, the
workflow's steps, full reads, documents, exports.

Thin: parse, call a selector or a service, render. A file outside scope answers 404
(selectors.file_detail, and every service's ensure_visible); a missing right 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from apps.core.forms import add_service_errors
from apps.core.permissions import capability_required, require_capability
from apps.core.privacy import mask_id_number, mask_phone
from apps.organizations.scope import get_visible_or_404

from . import exports, selectors, services
from .choices import FileStatus, ProblemStatus
from .filters import QUEUE_CHOICES, FileFilter
from .forms import (
    AttachmentForm,
    ExitForm,
    FileForm,
    FollowUpForm,
    HouseholdFormSet,
    ReverificationForm,
    StepForm,
    household_rows,
)
from .models import Attachment, FollowUp
from .services_aid import may_decide_record
from .tables import FileTable

PER_PAGE = 25


def show_errors(request, refusal) -> None:
    """A service's ValidationError, or an invalid small form's errors, as page messages
    (the POST-only actions redirect back to the page they were on)."""
    groups = refusal.errors.values() if hasattr(refusal, "errors") and not isinstance(refusal, ValidationError) \
        else [refusal.messages]
    for group in groups:
        for message in group:
            messages.error(request, message)


@login_required
@require_GET
def file_list(request):
    file_filter = FileFilter(request.GET, actor=request.user)
    table = FileTable(file_filter.qs)
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}).configure(table)
    user = request.user
    return render(request, "assistance/file_list.html", {
        "filter": file_filter, "table": table, "query": request.GET.urlencode(),
        "queues": [(code, label, None) for code, label in QUEUE_CHOICES],  # counted by queue_counts
        "current_queue": request.GET.get("queue", ""),
        "can_create": user.has_capability("assistance.submit"),
        "can_export": user.has_capability("assistance.export"),
        "can_reveal": user.has_capability("assistance.reveal"),
    })


@login_required
@require_GET
def queue_counts(request):
    """How many files wait in each working queue (htmx, after the list: one pass over the
    scope's files that the list itself does not need to wait for)."""
    counts = selectors.queue_counts(actor=request.user)
    return render(request, "assistance/_queue_counts.html", {
        "queues": [(code, label, counts[code]) for code, label in QUEUE_CHOICES],
        "current_queue": request.GET.get("queue", ""),
    })


def _file_form_context(request, form, formset, file=None):
    organization = file.organization if file else request.user.organization
    standard = services.living_standard_on(county=getattr(organization, "county", None), day=timezone.localdate())
    return {"form": form, "formset": formset, "file": file, "standard": standard.monthly_amount if standard else "",
            "title": _("Edit hardship file") if file else _("New hardship file")}


@login_required
@capability_required("assistance.submit")
def file_create(request):
    form = FileForm(request.POST or None, actor=request.user)
    formset = HouseholdFormSet(request.POST or None, prefix="household")
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            file = services.create_file(actor=request.user, organization=form.cleaned_data["organization"],
                                        data=data, household=household_rows(formset))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft file was saved. Submit it when it is complete."))
            return redirect("assistance:file_detail", pk=file.pk)
    return render(request, "assistance/file_form.html", _file_form_context(request, form, formset))


def _initial(file) -> dict:
    fields = ("head_name", "head_phone", "employer_name", "address", "household_size", "monthly_income",
              "income_per_head", "file_date", "category", "category_reason", "causes", "cause_note", "bank_name")
    return {f: getattr(file, f) for f in fields}


@login_required
@capability_required("assistance.submit")
def file_edit(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    if file.status != FileStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; this file is %(status)s.")
                       % {"status": file.get_status_display()})
        return redirect("assistance:file_detail", pk=file.pk)
    form = FileForm(request.POST or None, actor=request.user, file=file, initial=_initial(file))
    household = [{"name": m.name, "relation": m.relation, "id_number": m.id_number, "health": m.health,
                  "occupation": m.occupation} for m in file.household.all()]
    formset = HouseholdFormSet(request.POST or None, prefix="household", initial=household)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            services.update_file(actor=request.user, file=file, expected_version=request.POST.get("version"),
                                 data=form.cleaned_data, household=household_rows(formset))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft file was saved."))
            return redirect("assistance:file_detail", pk=file.pk)
    return render(request, "assistance/file_form.html", _file_form_context(request, form, formset, file))


def _actions(user, file) -> dict:
    """Which steps this user may offer on this file (the services decide again on POST)."""
    own = user.pk in (file.submitted_by_id, file.reviewed_by_id)
    status = file.status
    return {
        "edit": user.has_capability("assistance.submit") and status == FileStatus.DRAFT,
        "submit": user.has_capability("assistance.submit") and status == FileStatus.DRAFT,
        "review": user.has_capability("assistance.review") and status == FileStatus.SUBMITTED and not own,
        "approve": user.has_capability("assistance.approve") and status == FileStatus.REVIEWED and not own,
        "reject": not own and (
            (user.has_capability("assistance.review") and status in (FileStatus.SUBMITTED, FileStatus.REVERIFYING))
            or (user.has_capability("assistance.approve") and status == FileStatus.REVIEWED)
        ),
        "reverify": user.has_capability("assistance.submit") and status == FileStatus.ACTIVE,
        "renew": user.has_capability("assistance.review") and status == FileStatus.REVERIFYING and not own,
        "exit": user.has_capability("assistance.review") and status in (FileStatus.ACTIVE, FileStatus.REVERIFYING)
        and not (status == FileStatus.REVERIFYING and own),
        "record": user.has_capability("assistance.record") and status in (FileStatus.ACTIVE, FileStatus.REVERIFYING),
        "visit": user.has_capability("assistance.record"),
        "attach": user.has_capability("assistance.record") and status != FileStatus.EXITED,
        "reveal": user.has_capability("assistance.reveal"),
    }


@login_required
@require_GET
def file_detail(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    actions = _actions(request.user, file)
    records = selectors.file_records(file=file)
    return render(request, "assistance/file_detail.html", {
        "file": file,
        "masked_id": mask_id_number(file.head_id_number),
        "masked_phone": mask_phone(file.head_phone),
        "masked_account": mask_id_number(file.bank_account),
        "household": [(m, mask_id_number(m.id_number)) for m in file.household.all()],
        "timeline": selectors.file_timeline(file=file),
        "records": [(r, may_decide_record(request.user, r)) for r in records],
        "visits": selectors.file_visits(file=file),
        "follow_ups": list(file.follow_ups.select_related("done_by")),
        "attachments": list(file.attachments.select_related("uploaded_by")),
        "actions": actions,
        "step_form": StepForm(initial={"version": file.version}),
        "exit_form": ExitForm(initial={"version": file.version}),
        "attachment_form": AttachmentForm(),
        "follow_up_form": FollowUpForm(),
        "problem_statuses": ProblemStatus,
    })


def _step(request, pk: int, run, done: str):
    """Run a workflow step; a refusal the service explains is shown as a message."""
    file = selectors.file_detail(actor=request.user, pk=pk)
    form = StepForm(request.POST)
    form.is_valid()
    try:
        run(file, form.data.get("version"), (request.POST.get("note") or "").strip(), request.POST)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done % {"name": file.head_name})
    return redirect("assistance:file_detail", pk=pk)


@login_required
@require_POST
@capability_required("assistance.submit")
def file_submit(request, pk: int):
    return _step(request, pk, lambda f, v, note, post: services.submit_file(
        actor=request.user, file=f, expected_version=v, note=note), _("The file of %(name)s was submitted."))


@login_required
@require_POST
@capability_required("assistance.review")
def file_review(request, pk: int):
    return _step(request, pk, lambda f, v, note, post: services.review_file(
        actor=request.user, file=f, expected_version=v, note=note), _("The file of %(name)s was reviewed."))


@login_required
@require_POST
@capability_required("assistance.approve")
def file_approve(request, pk: int):
    return _step(request, pk, lambda f, v, note, post: services.approve_file(
        actor=request.user, file=f, expected_version=v, note=note),
        _("The file of %(name)s was approved and is active."))


@login_required
@require_POST
def file_reject(request, pk: int):
    if not (request.user.has_capability("assistance.review") or request.user.has_capability("assistance.approve")):
        raise PermissionDenied
    return _step(request, pk, lambda f, v, note, post: services.reject_file(
        actor=request.user, file=f, expected_version=v, reason=note), _("The file of %(name)s was returned."))


@login_required
@require_POST
@capability_required("assistance.review")
def file_renew(request, pk: int):
    return _step(request, pk, lambda f, v, note, post: services.renew_file(
        actor=request.user, file=f, expected_version=v, note=note),
        _("The file of %(name)s was renewed for a year."))


@login_required
@require_POST
@capability_required("assistance.review")
def file_exit(request, pk: int):
    return _step(request, pk, lambda f, v, note, post: services.exit_file(
        actor=request.user, file=f, expected_version=v, reason=post.get("reason", ""), note=note),
        _("%(name)s is out of hardship; follow-ups are due in 6 and 12 months."))


@login_required
@capability_required("assistance.submit")
def file_reverify(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    initial = {"version": file.version, "household_size": file.household_size, "monthly_income": file.monthly_income,
               "income_per_head": file.income_per_head, "category": file.category}
    form = ReverificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_reverification(actor=request.user, file=file,
                                           expected_version=form.cleaned_data["version"], data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The re-verification was submitted; the county decides."))
            return redirect("assistance:file_detail", pk=file.pk)
    return render(request, "assistance/form_page.html", {
        "form": form, "file": file, "title": _("Annual re-verification"),
        "intro": _("The household's figures as they are now; the county renews the file for a year or ends it."),
    })


@login_required
@require_POST
@capability_required("assistance.reveal")
def file_reveal(request, pk: int):
    """One protected field in full (htmx swap), written to the access log first."""
    file = selectors.file_detail(actor=request.user, pk=pk)
    field = request.POST.get("field", "")
    try:
        value = services.reveal_file_field(actor=request.user, file=file, field=field)
    except ValidationError:
        return HttpResponse(status=400)
    response = render(request, "assistance/_revealed.html", {"value": value, "field": field})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@capability_required("assistance.record")
def attachment_upload(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, file=file, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["upload"])
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("The document was added."))
    else:
        show_errors(request, form)
    return redirect("assistance:file_detail", pk=pk)


@login_required
@require_GET
def attachment_download(request, pk: int):
    """The only way to read an attachment: scoped to its file, sent as a download."""
    attachment = get_visible_or_404(Attachment.objects.select_related("file"), request.user,
                                    via="file__organization", pk=pk)
    response = FileResponse(attachment.stored.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@capability_required("assistance.record")
def follow_up_record(request, pk: int):
    follow_up = get_visible_or_404(FollowUp.objects.select_related("file"), request.user, via="file__organization",
                                   pk=pk)
    form = FollowUpForm(request.POST)
    form.is_valid()
    try:
        services.record_follow_up(actor=request.user, follow_up=follow_up,
                                  slipped_back=bool(form.cleaned_data.get("slipped_back")),
                                  note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("The follow-up was recorded."))
    return redirect("assistance:file_detail", pk=follow_up.file_id)


@login_required
@require_GET
@capability_required("assistance.export")
def file_export(request):
    """The filtered list as .xlsx; unmasked only by a user who may reveal, and logged."""
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked:
        require_capability(request.user, "assistance.reveal")
    file_filter = FileFilter(request.GET, actor=request.user)
    if unmasked:
        exports.log_unmasked_export(actor=request.user, what=_("hardship files"), params=request.GET,
                                    organization=file_filter.filters_value().organization)
    return exports.files_response(file_filter.qs, unmasked=unmasked)

