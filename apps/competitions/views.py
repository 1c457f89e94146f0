"""Competition pages: the list, a competition with its entrants, stages, ranking and
awards, the forms and POST actions, the rules documents, participations.

Thin: parse, call a selector or a service, render. A competition outside scope answers 404
(selectors.competition_detail); one the user sees but does not run answers 403 on its
actions (services.may_run), and every service checks the same again.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from apps.core.attachments import private_file_response
from apps.core.forms import add_service_errors
from apps.core.paging import page_number
from apps.core.permissions import capability_required

from . import exports, selectors, services
from .choices import Criterion, Kind, Status
from .forms import (
    AwardForm,
    CompetitionFilter,
    CompetitionForm,
    ParticipantForm,
    ParticipationFilter,
    ParticipationForm,
    QuotaForm,
    RulesUploadForm,
    StageForm,
    TeamForm,
)
from .models import CompetitionAttachment, Stage, Team
from .tables import CompetitionTable

PER_PAGE = 25


def show_errors(request, refusal) -> None:
    """A service's refusal or a small form's errors as page messages (the POST actions
    redirect back to the competition's page)."""
    if isinstance(refusal, ValidationError):
        groups = refusal.message_dict.values() if hasattr(refusal, "error_dict") else [refusal.messages]
    else:
        groups = refusal.errors.values()
    for group in groups:
        for message in group:
            messages.error(request, message)


def lazy_page(rows, request, per_page: int = 50):
    """A page of rows without counting them all (LazyPaginator): "next" while there are more."""
    try:
        return LazyPaginator(rows, per_page).page(page_number(request))
    except EmptyPage:
        return LazyPaginator(rows, per_page).page(1)


def visible_county_from(request, form):
    return selectors.visible_county(request.user, form.value("county", ""))


def _competition_filters(request):
    form = CompetitionFilter(request.GET or None, actor=request.user)
    filters = selectors.CompetitionFilters(
        year=form.value("year"), county=visible_county_from(request, form), kind=form.value("kind", ""),
        level=form.value("level", ""), status=form.value("status", ""), q=form.value("q", ""), dates=form.dates(),
    )
    return form, filters


@login_required
@require_GET
def competition_list(request):
    form, filters = _competition_filters(request)
    table = CompetitionTable(selectors.competition_list(actor=request.user, filters=filters))
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}).configure(table)
    return render(request, "competitions/competition_list.html", {
        "filter_form": form, "table": table, "query": request.GET.urlencode(),
        "can_create": request.user.has_capability("competitions.manage"),
        "can_export": request.user.has_capability("competitions.export"),
    })


@login_required
@capability_required("competitions.export")
@require_GET
def competition_export(request):
    _form, filters = _competition_filters(request)
    return exports.competitions_response(selectors.competition_list(actor=request.user, filters=filters))


def _form_page(request, form, title, back=None):
    return render(request, "competitions/form_page.html", {"form": form, "title": title, "back": back})


@login_required
@capability_required("competitions.manage")
def competition_create(request):
    form = CompetitionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "host"}
        try:
            competition = services.create_competition(actor=request.user, host=form.cleaned_data["host"], data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The competition was created."))
            return redirect("competitions:detail", pk=competition.pk)
    return _form_page(request, form, _("New competition"))


def _running(request, pk):
    """The competition for an action: visible (else 404) and run by the user (else 403)."""
    competition = selectors.competition_detail(actor=request.user, pk=pk)
    if not services.may_run(request.user, competition):
        raise PermissionDenied
    return competition


@login_required
@capability_required("competitions.manage")
def competition_edit(request, pk: int):
    competition = _running(request, pk)
    fields = [f for f in services.COMPETITION_FIELDS if f != "level"]
    form = CompetitionForm(request.POST or None, actor=request.user, editing=True,
                           initial={f: getattr(competition, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_competition(actor=request.user, competition=competition, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The competition was saved."))
            return redirect("competitions:detail", pk=competition.pk)
    return _form_page(request, form, _("Edit competition"), back=competition)


@login_required
@require_GET
def competition_detail(request, pk: int):
    user = request.user
    competition = selectors.competition_detail(actor=user, pk=pk)
    runs = services.may_run(user, competition)
    stages, ranked = selectors.competition_ranking(competition=competition)
    labels = dict(Criterion.choices)
    return render(request, "competitions/competition_detail.html", {
        "competition": competition, "runs": runs, "stages": stages, "ranked": ranked,
        "weights": [(labels[c], w) for c, w in competition.weights.items()],
        "key_project": competition.kind == Kind.KEY_PROJECT,
        "attachments": list(competition.attachments.all()),
        "participations": list(selectors.participation_list(
            actor=user, filters=selectors.ParticipationFilters(competition=competition))[:200]),
        "participants": list(competition.participants.select_related("organization", "team")[:200]),
        "awards": selectors.awards_by_county(competition=competition),
        "finished": competition.status == Status.FINISHED,
        "running": competition.status == Status.RUNNING,
        "forms": {
            "participation": ParticipationForm(actor=user, auto_id="p_%s"),
            "team": TeamForm(actor=user, auto_id="t_%s"),
            "participant": ParticipantForm(actor=user, competition=competition, auto_id="m_%s"),
            "stage": StageForm(auto_id="s_%s"), "quota": QuotaForm(actor=user, competition=competition, auto_id="q_%s"),
            "award": AwardForm(auto_id=False), "upload": RulesUploadForm(auto_id="u_%s"),
        } if runs else {},
    })


def _act(request, pk, run, done):
    competition = _running(request, pk)
    try:
        run(competition)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("competitions:detail", pk=competition.pk)


@login_required
@capability_required("competitions.manage")
@require_POST
def competition_advance(request, pk: int):
    return _act(request, pk, lambda c: services.advance_competition(actor=request.user, competition=c),
                _("The competition moved to its next step."))


def _with_form(request, pk, form_class, run, done, **form_kwargs):
    competition = _running(request, pk)
    form = form_class(request.POST, request.FILES, **{k: (competition if v == "competition" else v)
                                                      for k, v in form_kwargs.items()})
    if not form.is_valid():
        show_errors(request, form)
        return redirect("competitions:detail", pk=competition.pk)
    try:
        run(competition, form.cleaned_data)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("competitions:detail", pk=competition.pk)


@login_required
@capability_required("competitions.manage")
@require_POST
def attachment_upload(request, pk: int):
    return _with_form(request, pk, RulesUploadForm, lambda c, d: services.add_rules_attachment(
        actor=request.user, competition=c, upload=d["upload"]), _("The rules document was kept."))


@login_required
@require_GET
def attachment_download(request, pk: int):
    """The only way to read a rules document: through its competition's visibility."""
    attachment = get_object_or_404(CompetitionAttachment, pk=pk)
    selectors.competition_detail(actor=request.user, pk=attachment.competition_id)
    return private_file_response(attachment.stored, filename=attachment.original_name,
                                 content_type=attachment.content_type)


@login_required
@capability_required("competitions.manage")
@require_POST
def participation_add(request, pk: int):
    return _with_form(request, pk, ParticipationForm, lambda c, d: services.add_participation(
        actor=request.user, competition=c, organization=d["organization"], counted_people=d["counted_people"]),
        _("The organization takes part."), actor=request.user)


@login_required
@capability_required("competitions.manage")
@require_POST
def team_add(request, pk: int):
    return _with_form(request, pk, TeamForm, lambda c, d: services.add_team(
        actor=request.user, competition=c, organization=d["organization"], name=d["name"]),
        _("The team was added."), actor=request.user)


@login_required
@capability_required("competitions.manage")
@require_POST
def participant_add(request, pk: int):
    return _with_form(request, pk, ParticipantForm, lambda c, d: services.add_participant(
        actor=request.user, competition=c, organization=d["organization"], team=d["team"],
        id_number=d["id_number"], name=d["name"], result=d["result"]),
        _("The participant was added."), actor=request.user, competition="competition")


@login_required
@capability_required("competitions.manage")
@require_POST
def stage_add(request, pk: int):
    return _with_form(request, pk, StageForm, lambda c, d: services.add_stage(
        actor=request.user, competition=c, name=d["name"]), _("The stage was added."))


@login_required
@capability_required("competitions.manage")
@require_POST
def quota_set(request, pk: int):
    return _with_form(request, pk, QuotaForm, lambda c, d: services.set_award_quota(
        actor=request.user, competition=c, county=d["county"], quota=d["quota"]),
        _("The quota was set."), actor=request.user, competition="competition")


@login_required
@capability_required("competitions.manage")
@require_POST
def award_give(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    competition = _running(request, team.competition_id)
    form = AwardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        if request.POST.get("withdraw"):
            services.withdraw_award(actor=request.user, team=team)
        else:
            services.give_award(actor=request.user, team=team, grade=form.cleaned_data["grade"])
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("The award was recorded."))
    return redirect("competitions:detail", pk=competition.pk)


@login_required
@capability_required("competitions.manage")
def stage_scores(request, pk: int):
    """A stage's marks as one grid: a row per team, a column per criterion (五比一创 for a key project)."""
    stage = get_object_or_404(Stage, pk=pk)
    competition = _running(request, stage.competition_id)
    teams = list(selectors.team_choices(competition=competition))
    criteria = competition.criteria
    errors = {}
    if request.method == "POST":
        marks = {(t.pk, c): request.POST.get(services.score_field(t.pk, c), "") for t in teams for c in criteria}
        try:
            kept = services.record_scores(actor=request.user, stage=stage, marks=marks)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            values = {k: v for k, v in marks.items()}
        else:
            messages.success(request, _("%(count)s scores were saved.") % {"count": kept})
            return redirect("competitions:detail", pk=competition.pk)
    else:
        values = selectors.stage_marks(stage=stage)
    labels = dict(Criterion.choices)
    grid = [{"team": t, "cells": [{"name": services.score_field(t.pk, c), "value": values.get((t.pk, c), ""),
                                   "label": f"{t.name} · {labels[c]}",
                                   "errors": errors.get(services.score_field(t.pk, c), [])} for c in criteria]}
            for t in teams]
    return render(request, "competitions/stage_scores.html", {
        "stage": stage, "competition": competition, "grid": grid, "form_errors": errors.get("", []),
        "criteria": [(labels[c], competition.weights[c]) for c in criteria],
        "running": competition.status == Status.RUNNING,
    })


@login_required
@require_GET
def participation_list(request):
    form = ParticipationFilter(request.GET or None, actor=request.user)
    competition = None
    if (request.GET.get("competition") or "").isdigit():
        competition = selectors.competition_detail(actor=request.user, pk=int(request.GET["competition"]))
    filters = selectors.ParticipationFilters(year=form.value("year"), county=visible_county_from(request, form),
                                             competition=competition, dates=form.dates())
    rows = selectors.participation_list(actor=request.user, filters=filters)
    page = lazy_page(rows, request)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "competitions/participation_list.html", {"filter_form": form, "page": page,
                                                                    "query": query, "competition": competition})
