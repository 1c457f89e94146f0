"""Thin views of events: parse, call a selector or service, render. Scope first (404), then
the right (403); the check-in page and the calendar feed are the two public URLs, each
guarded by its own secret (a signed token, a revocable feed token)."""

import datetime
import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format as time_format_of
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import LazyPaginator

from apps.core.attachments import private_file_response
from apps.core.forms import add_service_errors, form_page
from apps.core.permissions import capability_required
from apps.members.selectors import find_by_id_number

from . import selectors, services
from .calendar_feed import render_feed
from .choices import EventKind, EventStatus
from .forms import (
    CancelForm,
    CheckInForm,
    EventFilterForm,
    EventForm,
    GroupRegistrationForm,
    HazardFilterForm,
    HazardForm,
    HeldForm,
    JobFairForm,
    LecturerForm,
    MemberRegistrationForm,
    PhotoForm,
    RectificationForm,
    TrainingFiguresForm,
    VenueForm,
    date_range,
)
from .tokens import TokenState, checkin_opens_at, checkin_token, token_state

PER_PAGE = 50
PER_DAY = 4  # events a month cell shows


def _show_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _page(request, queryset):
    return LazyPaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _query(request, *names) -> str:
    return urlencode({n: request.GET[n] for n in names if request.GET.get(n)})


# --- events ---------------------------------------------------------------------------------


def _event_filters(actor, form) -> tuple[selectors.EventFilters, bool]:
    data = form.cleaned_data if form.is_valid() else {}
    org = selectors.visible_organization_by_code(actor, data["org"]) if data.get("org") else None
    county = selectors.visible_organization_by_code(actor, data["county"]) if data.get("county") else None
    unknown = bool(data.get("org")) and org is None or bool(data.get("county")) and county is None
    return selectors.EventFilters(
        kind=data.get("kind") or "", status=data.get("status") or "", mode=data.get("mode") or "",
        organization=org, q=data.get("q") or "", year=data.get("year"), month=data.get("month") if data.get(
            "year") else None, county=county, stream_only=bool(data.get("stream")),
        model_worker=bool(data.get("model_worker")), **date_range(data),
    ), unknown


@login_required
@require_GET
def event_list(request):
    form = EventFilterForm(request.GET or None)
    filters, unknown = _event_filters(request.user, form)
    events = selectors.event_list(actor=request.user, filters=filters)
    if unknown:
        events = events.none()
    return render(request, "events/event_list.html", {
        "filter_form": form, "page": _page(request, events),
        "query": _query(request, "q", "kind", "status", "mode", "org", "year", "month", "county", "stream",
                        "model_worker", "from", "to"),
        "can_edit": request.user.has_capability("events.edit"),
    })


@login_required
@capability_required("events.edit")
def event_create(request):
    form = EventForm(request.POST or None, actor=request.user,
                     initial=None if request.POST else {"organization": request.user.organization})
    return form_page(request, form, save=lambda f: services.create_event(
        actor=request.user, organization=f.cleaned_data["organization"], data=f.cleaned_data),
        message=_("The event was created."), detail_url="events:event_detail", template="events/form_page.html",
        context={"title": _("New event")})


@login_required
@capability_required("events.edit")
def event_edit(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    form = EventForm(request.POST or None, actor=request.user, event=event)
    return form_page(request, form, save=lambda f: services.update_event(
        actor=request.user, event=event, data=f.cleaned_data),
        message=_("The event was saved."), detail_url="events:event_detail", template="events/form_page.html",
        context={"title": event.title, "event": event})


@login_required
@require_GET
def event_detail(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    can_edit = request.user.has_capability("events.edit")
    registrations = list(selectors.registrations_of(event=event)[:500]) if can_edit else []
    now = timezone.now()
    return render(request, "events/event_detail.html", {
        "event": event, "can_edit": can_edit, "registrations": registrations,
        "registration_count": event.registrations.count(),
        "checkin_url": request.build_absolute_uri(
            reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})) if can_edit else "",
        "checkin_state": token_state(checkin_token(event), event, now=now).value,
        "checkin_opens_at": checkin_opens_at(event),
        "held_form": HeldForm(initial={"reported_attendance": event.reported_attendance,
                                       "online_views": event.online_views, "report": event.report}),
        "cancel_form": CancelForm(), "photo_form": PhotoForm(), "member_form": MemberRegistrationForm(),
        "group_form": GroupRegistrationForm(), "training_form": TrainingFiguresForm(actor=request.user),
        "job_fair": selectors.job_fair_of(event) if event.kind == EventKind.JOB_FAIR else None,
        "job_fair_form": JobFairForm(initial=_job_fair_initial(event)),
        "is_training": event.kind == EventKind.SAFETY_TRAINING, "is_job_fair": event.kind == EventKind.JOB_FAIR,
        "training_totals": _training_sum(event), "planned": event.status == EventStatus.PLANNED,
        "held": event.status == EventStatus.HELD, "started": event.starts_at <= now,
        "self_registered": event.registrations.filter(user=request.user).exists(),
        "hazards": list(event.hazards.select_related("employer")[:50]),
    })


def _job_fair_initial(event):
    figure = selectors.job_fair_of(event) if event.kind == EventKind.JOB_FAIR else None
    if figure is None:
        return {}
    return {f: getattr(figure, f) for f in ("employers", "positions", "applicants", "hires")}


def _training_sum(event) -> dict:
    figures = list(event.training_figures.all())
    return {"sessions": sum(f.sessions for f in figures), "trainees": sum(f.trainees for f in figures),
            "rows": figures}


def _event_action(request, pk, action, done: str, form_class=None):
    event = selectors.event_detail(actor=request.user, pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        _form_errors(request, form)
        return redirect("events:event_detail", pk=pk)
    try:
        action(event, form.cleaned_data if form else {})
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("events:event_detail", pk=pk)


@login_required
@require_POST
@capability_required("events.edit")
def event_held(request, pk: int):
    return _event_action(request, pk, lambda e, d: services.mark_event_held(
        actor=request.user, event=e, report=d["report"], reported_attendance=d.get("reported_attendance"),
        online_views=d.get("online_views")), _("The event is recorded as held."), HeldForm)


@login_required
@require_POST
@capability_required("events.edit")
def event_cancel(request, pk: int):
    return _event_action(request, pk, lambda e, d: services.cancel_event(actor=request.user, event=e,
                                                                         reason=d["reason"]),
                         _("The event is cancelled."), CancelForm)


@login_required
@require_POST
@capability_required("events.edit")
def photo_upload(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.add_photo(actor=request.user, event=event, upload=form.cleaned_data["upload"])
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("The photo was added."))
    return redirect("events:event_detail", pk=pk)


@login_required
@require_GET
def photo_download(request, pk: int):
    """The only way to read a photo: scoped to its event."""
    photo = selectors.photo_detail(actor=request.user, pk=pk)
    return private_file_response(photo.stored, filename=photo.original_name, content_type=photo.content_type)


@login_required
@require_POST
@capability_required("events.edit")
def training_figures(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    form = TrainingFiguresForm(request.POST, actor=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("events:event_detail", pk=pk)
    return _event_action(request, pk, lambda e, d: services.record_training_figures(
        actor=request.user, event=event, rows=form.cleaned_data["lines"]), _("The training figures were saved."))


@login_required
@require_POST
@capability_required("events.edit")
def job_fair_figures(request, pk: int):
    return _event_action(request, pk, lambda e, d: services.record_job_fair(actor=request.user, event=e, **d),
                         _("The job-fair figures were saved."), JobFairForm)


# --- registrations --------------------------------------------------------------------------


@login_required
@require_POST
@capability_required("events.edit")
def register_member(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    form = MemberRegistrationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("events:event_detail", pk=pk)
    found = find_by_id_number(actor=request.user, id_number=form.cleaned_data["id_number"])
    if not found:
        messages.error(request, _("No member with this ID number in your scope."))
        return redirect("events:event_detail", pk=pk)
    return _event_action(request, pk, lambda e, d: services.register_member(actor=request.user, event=event,
                                                                            member=found[0]),
                         _("%(name)s is registered.") % {"name": found[0].name})


@login_required
@require_POST
@capability_required("events.edit")
def register_group(request, pk: int):
    selectors.event_detail(actor=request.user, pk=pk)  # scope first: 404 before any form message
    form = GroupRegistrationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("events:event_detail", pk=pk)
    return _event_action(request, pk, lambda e, d: services.register_group(
        actor=request.user, event=e, group=form.cleaned_data["group"], people=form.cleaned_data["people"]),
        _("The group is registered."))


@login_required
@require_POST
def register_self(request, pk: int):
    return _event_action(request, pk, lambda e, d: services.register_self(actor=request.user, event=e),
                         _("You are registered."))


@login_required
@require_POST
@capability_required("events.edit")
def registration_remove(request, pk: int, registration: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    found = event.registrations.filter(pk=registration).select_related("event", "event__organization").first()
    if found is None:
        raise Http404
    try:
        services.remove_registration(actor=request.user, registration=found)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The registration was removed."))
    return redirect("events:event_detail", pk=pk)


# --- check-in -------------------------------------------------------------------------------


@login_required
@require_GET
@capability_required("events.edit")
def event_qr(request, pk: int):
    """The check-in link as a QR code (SVG, drawn by segno), for the venue's screen; an <img>
    of our own origin, so the page's Content-Security-Policy needs nothing inline."""
    event = selectors.event_detail(actor=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)}))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False, svgclass="qr",
                                    title=_("check-in"))
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@capability_required("events.edit")
def checkin_screen(request, pk: int):
    event = selectors.event_detail(actor=request.user, pk=pk)
    return render(request, "events/checkin_screen.html", {
        "event": event, "checkin_url": request.build_absolute_uri(
            reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})),
        "opens_at": checkin_opens_at(event),
    })


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@never_cache
@csrf_exempt  # a phone opening a QR code has no session; the signed token is the guard
@require_http_methods(["GET", "POST"])
def checkin(request, pk: int, token: str):
    """Public, phone-sized: name + the last 4 characters of the ID number or phone. A link that
    is forged or for another event is not found; outside its window the page says when it opens
    or that it closed. The answer to a wrong name or wrong characters is the same for everybody.
    A filled-in form goes straight to the service, which checks the token (once), the limits
    and the registration."""
    event = selectors.checkin_event(pk=pk)
    if event is None:
        raise Http404
    form = CheckInForm(request.POST) if request.method == "POST" else CheckInForm()
    context, status = {"event": event, "opens_at": checkin_opens_at(event), "form": form}, 200
    if request.method == "POST" and form.is_valid():
        try:
            registration, new = services.check_in(event=event, token=token, name=form.cleaned_data["name"],
                                                  last4=form.cleaned_data["last4"], client=_client_address(request))
        except services.CheckInRefused as exc:
            state = exc.state or TokenState.VALID
            if state == TokenState.VALID:
                context["refused"] = exc.reason
            status = 429 if exc.limited else 200
        else:
            state = TokenState.VALID
            context.update(done=True, name=registration.name, again=not new)
    else:
        state = token_state(token, event)
    if state == TokenState.INVALID:
        raise Http404
    context["state"] = state.value
    return render(request, "events/checkin.html", context, status=status)


# --- calendar -------------------------------------------------------------------------------


def _month_arg(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month))
        datetime.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return (year, month) if 2000 <= year <= 2100 else (today.year, today.month)


@login_required
@require_GET
def calendar_view(request):
    """A month grid (Monday first) or one week, server-rendered, of the events in scope."""
    tz = timezone.get_current_timezone()
    view = "week" if request.GET.get("view") == "week" else "month"
    if view == "week":
        try:
            day = datetime.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        first = day - datetime.timedelta(days=day.weekday())
        weeks = [[first + datetime.timedelta(days=i) for i in range(7)]]
        year, month = first.year, first.month
    else:
        year, month = _month_arg(request)
        weeks = selectors.month_grid(year, month)
    start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    by_day: dict[datetime.date, list] = {}
    if view == "week":
        for event in selectors.events_between(actor=request.user, start=start, end=end):
            day = max(timezone.localtime(event.starts_at).date(), weeks[0][0])
            last = min(timezone.localtime(event.ends_at).date(), weeks[-1][-1])
            while day <= last:
                by_day.setdefault(day, []).append(event)
                day += datetime.timedelta(days=1)
        counts = {d: len(e) for d, e in by_day.items()}
    else:
        # A month cell shows the first few events starting that day and how many more (the week
        # view shows them all): a city month holds some 2,000 events.
        shown, counts = selectors.month_cells(actor=request.user, start=start, end=end, per_day=PER_DAY)
        for event in shown:
            by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    _label_for_calendar([event for events in by_day.values() for event in events])
    first_of_month = datetime.date(year, month, 1)
    prev_month = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
    next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
    return render(request, "events/calendar.html", {
        "view": view, "weeks": [[(d, by_day.get(d, []), d.month == month or view == "week",
                                  counts.get(d, 0) - len(by_day.get(d, []))) for d in w] for w in weeks],
        "year": year, "month": month, "first": first_of_month, "prev": prev_month, "next": next_month,
        "week_first": weeks[0][0], "prev_week": weeks[0][0] - datetime.timedelta(days=7),
        "next_week": weeks[0][0] + datetime.timedelta(days=7), "today": timezone.localdate(),
        "feed": selectors.feed_of(request.user),
    })


def _label_for_calendar(events) -> None:
    """Each event's link and start time, made here once for up to some 450 events a city week
    holds: reversing the URL and formatting the time per event in the template was most of the
    page's time. The link is the one reverse() with the event's id in place; the time label is
    formatted once per distinct time of day (TIME_FORMAT of the active language)."""
    marker = 987654321
    before, _marker, after = reverse("events:event_detail", kwargs={"pk": marker}).partition(str(marker))
    time_format, labels = get_format("TIME_FORMAT"), {}
    for event in events:
        if getattr(event, "url", None):
            continue  # shown on several days of the week
        event.url = f"{before}{event.pk}{after}"
        local = timezone.localtime(event.starts_at).time()
        if local not in labels:
            labels[local] = time_format_of(local, time_format)
        event.time_label = labels[local]


@login_required
@require_POST
def feed_renew(request):
    services.renew_calendar_feed(actor=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("events:calendar")


@login_required
@require_POST
def feed_revoke(request):
    services.revoke_calendar_feed(actor=request.user)
    messages.success(request, _("Your calendar address is turned off."))
    return redirect("events:calendar")


@never_cache
@require_GET
def feed(request, token: str):
    """Public by design (a phone's calendar cannot log in): the secret token is the key, and
    the events are those the token's user may see today."""
    found = selectors.feed_by_token(token)
    if found is None or not found.user.is_active:
        raise Http404
    body = render_feed(selectors.feed_events(user=found.user), request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- registries -----------------------------------------------------------------------------


@login_required
@require_GET
def lecturer_list(request):
    q = request.GET.get("q", "")[:50]
    return render(request, "events/lecturer_list.html", {
        "page": _page(request, selectors.lecturer_list(actor=request.user, q=q)), "q": q,
        "query": _query(request, "q"), "can_edit": request.user.has_capability("events.registry"),
    })


@login_required
@require_GET
def lecturer_detail(request, pk: int):
    lecturer = selectors.lecturer_detail(actor=request.user, pk=pk)
    return render(request, "events/lecturer_detail.html", {
        "lecturer": lecturer, "events": selectors.lecturer_events(actor=request.user, lecturer=lecturer),
        "can_edit": request.user.has_capability("events.registry")
        and selectors.lecturers_usable_by(request.user).filter(pk=pk, organization__path__startswith=getattr(
            request.user.organization, "path", "")).exists(),
    })


def _registry_form(request, *, form_class, save, title, back, instance=None, initial=None):
    form = form_class(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back(saved))
    return render(request, "events/form_page.html", {"form": form, "title": title})


@login_required
@capability_required("events.registry")
def lecturer_create(request):
    return _registry_form(
        request, form_class=LecturerForm, title=_("New lecturer"),
        initial=None if request.POST else {"organization": request.user.organization},
        save=lambda d: services.save_lecturer(actor=request.user, organization=d["organization"], data=d,
                                              talks=d["talks"].splitlines()),
        back=lambda lecturer: reverse("events:lecturer_detail", kwargs={"pk": lecturer.pk}))


@login_required
@capability_required("events.registry")
def lecturer_edit(request, pk: int):
    lecturer = selectors.lecturer_for_change(actor=request.user, pk=pk)
    initial = {f: getattr(lecturer, f) for f in services.LECTURER_FIELDS} | {
        "organization": lecturer.organization, "talks": "\n".join(t.title for t in lecturer.talks.all())}
    return _registry_form(
        request, form_class=LecturerForm, title=lecturer.name, initial=None if request.POST else initial,
        save=lambda d: services.save_lecturer(actor=request.user, organization=d["organization"], data=d,
                                              lecturer=lecturer, talks=d["talks"].splitlines()),
        back=lambda saved: reverse("events:lecturer_detail", kwargs={"pk": saved.pk}))


@login_required
@require_GET
def venue_list(request):
    return render(request, "events/venue_list.html", {
        "page": _page(request, selectors.venue_list(actor=request.user)),
        "can_edit": request.user.has_capability("events.registry"), "query": "",
    })


@login_required
@capability_required("events.registry")
def venue_create(request):
    return _registry_form(
        request, form_class=VenueForm, title=_("New venue"),
        initial=None if request.POST else {"organization": request.user.organization},
        save=lambda d: services.save_venue(actor=request.user, organization=d["organization"], data=d),
        back=lambda v: reverse("events:venue_list"))


@login_required
@capability_required("events.registry")
def venue_edit(request, pk: int):
    venue = selectors.venue_for_change(actor=request.user, pk=pk)
    initial = {f: getattr(venue, f) for f in services.VENUE_FIELDS} | {"organization": venue.organization}
    return _registry_form(
        request, form_class=VenueForm, title=venue.name, initial=None if request.POST else initial,
        save=lambda d: services.save_venue(actor=request.user, organization=d["organization"], data=d, venue=venue),
        back=lambda v: reverse("events:venue_list"))


# --- hazards --------------------------------------------------------------------------------


@login_required
@require_GET
def hazard_list(request):
    form = HazardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    org = selectors.visible_organization_by_code(request.user, data["org"]) if data.get("org") else None
    county = selectors.visible_organization_by_code(request.user, data["county"]) if data.get("county") else None
    hazards = selectors.hazard_list(actor=request.user, filters=selectors.HazardFilters(
        state=data.get("state") or "", severity=data.get("severity") or "", organization=org, q=data.get("q") or "",
        year=data.get("year"), month=data.get("month") if data.get("year") else None, county=county,
        rectified=bool(data.get("rectified")), **date_range(data)))
    if data.get("org") and org is None or data.get("county") and county is None:
        hazards = hazards.none()
    return render(request, "events/hazard_list.html", {
        "filter_form": form, "page": _page(request, hazards), "today": timezone.localdate(),
        "query": _query(request, "q", "state", "severity", "org", "year", "month", "county", "rectified", "from",
                        "to"),
        "can_edit": request.user.has_capability("events.hazards"),
    })


@login_required
@capability_required("events.hazards")
def hazard_create(request):
    form = HazardForm(request.POST or None, actor=request.user,
                      initial=None if request.POST else {"organization": request.user.organization,
                                                         "found_on": timezone.localdate()})
    return form_page(request, form, save=lambda f: services.record_hazard(
        actor=request.user, organization=f.cleaned_data["organization"], data=f.cleaned_data),
        message=_("The hazard was recorded."), detail_url="events:hazard_detail", template="events/form_page.html",
        context={"title": _("New hazard")})


@login_required
@capability_required("events.hazards")
def hazard_edit(request, pk: int):
    hazard = selectors.hazard_detail(actor=request.user, pk=pk)
    form = HazardForm(request.POST or None, actor=request.user, hazard=hazard)
    return form_page(request, form, save=lambda f: services.update_hazard(
        actor=request.user, hazard=hazard, data=f.cleaned_data),
        message=_("The hazard was saved."), detail_url="events:hazard_detail", template="events/form_page.html",
        context={"title": hazard.place})


@login_required
@require_GET
def hazard_detail(request, pk: int):
    hazard = selectors.hazard_detail(actor=request.user, pk=pk)
    return render(request, "events/hazard_detail.html", {
        "hazard": hazard, "overdue": hazard.is_overdue(), "form": RectificationForm(),
        "can_edit": request.user.has_capability("events.hazards"),
        "can_verify": request.user.has_capability("events.verify") and hazard.rectified_on and not hazard.verified_on
        and hazard.recorded_by_id != request.user.pk,
    })


@login_required
@require_POST
@capability_required("events.hazards")
def hazard_rectify(request, pk: int):
    hazard = selectors.hazard_detail(actor=request.user, pk=pk)
    form = RectificationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.record_rectification(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("The rectification was recorded."))
    return redirect("events:hazard_detail", pk=pk)


@login_required
@require_POST
@capability_required("events.verify")
def hazard_verify(request, pk: int):
    hazard = selectors.hazard_detail(actor=request.user, pk=pk)
    try:
        services.verify_rectification(actor=request.user, hazard=hazard)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The rectification is verified."))
    return redirect("events:hazard_detail", pk=pk)


# --- statistics -----------------------------------------------------------------------------


@login_required
@require_GET
def statistics(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET["month"]) if request.GET.get("month") else None
        period = selectors.Period(year, month)
        period.bounds()
    except (ValueError, KeyError):
        year, month = today.year, None
        period = selectors.Period(year)
    figures = selectors.statistics_page(actor=request.user, period=period)
    return render(request, "events/statistics.html", {
        "year": year, "month": month, "rows": figures["rows"], "outreach": figures["outreach"],
        "training": figures["training"], "hazards": figures["hazards"], "by_kind": _by_kind(figures["by_kind"]),
        "period_query": urlencode({"year": year, **({"month": month} if month else {})}),
        "months": range(1, 13), "years": range(today.year - 4, today.year + 2),
    })


def _by_kind(rows: list[dict]) -> list[dict]:
    labels = dict(EventKind.choices)
    totals: dict[str, dict] = {}
    for r in rows:
        t = totals.setdefault(r["kind"], {"kind": r["kind"], "label": labels.get(r["kind"], r["kind"]),
                                          "events": 0, "on_site": 0, "online": 0})
        for f in ("events", "on_site", "online"):
            t[f] += r[f] or 0
    return sorted(totals.values(), key=lambda t: list(labels).index(t["kind"]) if t["kind"] in labels else 99)
