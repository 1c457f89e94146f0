"""Every write about the help a household gets: assistance (帮扶救助), home visits and their
problems (走访慰问), legal aid cases (法律援助) and four-seasons campaigns (四季送).

Money rules (issue 16 item 4): yuan as Decimal, never negative or absurd; only to a file
that is active (or under re-verification: the household is still being helped); money
above the city's threshold waits for a level above the recorder, and nobody approves
what they recorded.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.validators import clean_text, normalize_person_name, validate_not_future
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, is_in_scope, require_in_scope

from .choices import (
    ASSISTED_STATUSES,
    CAMPAIGN_KIND,
    AssistanceKind,
    CaseOutcome,
    CaseStage,
    DisputeKind,
    FundSource,
    ProblemStatus,
    RecordStatus,
    Season,
)
from .models import (
    AssistanceRecord,
    Campaign,
    CampaignAllocation,
    CampaignRecipient,
    HardshipFile,
    LegalAidCase,
    Visit,
    VisitProblem,
)
from .services import _require, _tell, assistance_settings, clean_person, holders, parse_money

EARLIEST = datetime.date(2000, 1, 1)


def _day(value, *, field: str, errors: dict, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            errors[field] = _("Give the date.")
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            errors[field] = _("Give the date as 2026-01-15.")
            return None
    try:
        validate_not_future(value)
    except ValidationError as exc:
        errors[field] = exc.messages
    if value < EARLIEST:
        errors[field] = _("The date %(date)s is too long ago.") % {"date": value.isoformat()}
    return value


# --- assistance records ------------------------------------------------------------------


def _actor_organization(actor, fallback: Organization) -> Organization:
    return actor.organization or fallback


@transaction.atomic
def record_assistance(*, actor, file: HardshipFile, data: dict, campaign: Campaign | None = None) -> AssistanceRecord:
    """Record money or goods given to a household with an active file (assistance.record).

    Money above the city's threshold is recorded as waiting for approval by a level above
    the recorder (approve_assistance); the rest counts at once."""
    _require(actor, "assistance.record")
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    ensure_visible(actor, file.organization)
    if file.status not in ASSISTED_STATUSES:
        raise ValidationError(
            _("Assistance is only recorded for an active file; this one is %(status)s.")
            % {"status": file.get_status_display()},
            code="not_active",
        )
    errors: dict = {}
    kind = data.get("kind") or (CAMPAIGN_KIND[campaign.season] if campaign else "")
    if kind not in AssistanceKind.values:
        errors["kind"] = _("Choose the kind of assistance.")
    amount = parse_money(data.get("amount") or "0", field="amount", errors=errors)
    goods = clean_text(data.get("goods"))[:200]
    if amount is not None and amount == 0 and not goods and "amount" not in errors:
        errors["amount"] = _("Give an amount or describe the goods or services given.")
    given_on = _day(data.get("given_on"), field="given_on", errors=errors)
    fund_source = data.get("fund_source") or ""
    if fund_source not in FundSource.values:
        errors["fund_source"] = _("Choose where the money comes from.")
    delivered_by = clean_text(data.get("delivered_by"))[:100]
    if not delivered_by:
        errors["delivered_by"] = _("Say who delivered it.")
    if errors:
        raise ValidationError(errors)
    threshold = assistance_settings().approval_threshold
    status = RecordStatus.PENDING if amount > threshold else RecordStatus.APPROVED
    record = AssistanceRecord.objects.create(
        file=file, kind=kind, amount=amount, goods=goods, given_on=given_on, fund_source=fund_source,
        delivered_by=delivered_by, campaign=campaign, organization=_actor_organization(actor, file.organization),
        status=status, recorded_by=actor,
    )
    label = AssistanceKind(kind).label
    if status == RecordStatus.PENDING:
        approvers = [pk for pk in holders("assistance.approve_record", record.organization) if pk != actor.pk]
        _tell(approvers, file, kind="record_pending", exclude=actor,
              title=_("Assistance to approve: %(kind)s %(amount)s yuan for %(name)s")
              % {"kind": label, "amount": amount, "name": file.head_name})
    else:
        _tell(holders("assistance.submit", file.organization), file, kind="record_given", exclude=actor,
              title=_("Assistance recorded: %(kind)s %(amount)s yuan for %(name)s")
              % {"kind": label, "amount": amount, "name": file.head_name})
    return record


def may_decide_record(actor, record: AssistanceRecord) -> bool:
    """A level above the recorder's organization (or, at the top, another clerk of the city),
    never the recorder, holding assistance.approve_record."""
    if not actor.has_capability("assistance.approve_record") or record.recorded_by_id == actor.pk:
        return False
    if not is_in_scope(actor, record.organization):
        return False
    if actor.organization is None:  # a superuser
        return True
    above = actor.organization.depth < record.organization.depth
    at_the_top = record.organization.parent_id is None and actor.organization_id == record.organization_id
    return above or at_the_top


def _decide(actor, record: AssistanceRecord, status: str, note: str) -> AssistanceRecord:
    if not actor.has_capability("assistance.approve_record"):
        raise PermissionDenied
    record = AssistanceRecord.objects.select_for_update().get(pk=record.pk)  # no joins: see services._lock
    ensure_visible(actor, record.file.organization)
    if record.status != RecordStatus.PENDING:
        raise ValidationError(_("This assistance was already decided."), code="decided")
    if record.recorded_by_id == actor.pk:
        raise ValidationError(_("You recorded this assistance: somebody else must approve it."), code="own_record")
    if not may_decide_record(actor, record):
        raise ValidationError(_("Money above the threshold is approved by a level above the one that recorded it."),
                              code="wrong_level")
    record.status, record.decided_by, record.decided_at = status, actor, timezone.now()
    record.decision_note = clean_text(note)[:200]
    record.save()
    return record


@transaction.atomic
def approve_assistance(*, actor, record: AssistanceRecord, note: str = "") -> AssistanceRecord:
    """Approve money above the threshold (a level above the recorder, never the recorder)."""
    record = _decide(actor, record, RecordStatus.APPROVED, note)
    _tell([record.recorded_by_id, *holders("assistance.submit", record.file.organization)], record.file,
          kind="record_approved", exclude=actor,
          title=_("Assistance approved: %(kind)s %(amount)s yuan for %(name)s")
          % {"kind": record.get_kind_display(), "amount": record.amount, "name": record.file.head_name})
    return record


@transaction.atomic
def reject_assistance(*, actor, record: AssistanceRecord, note: str) -> AssistanceRecord:
    if not clean_text(note):
        raise ValidationError({"note": _("Give the reason for refusing.")})
    record = _decide(actor, record, RecordStatus.REJECTED, note)
    _tell([record.recorded_by_id], record.file, kind="record_rejected", exclude=actor, body=record.decision_note,
          title=_("Assistance refused: %(kind)s for %(name)s")
          % {"kind": record.get_kind_display(), "name": record.file.head_name})
    return record


# --- home visits -------------------------------------------------------------------------


@transaction.atomic
def record_visit(*, actor, file: HardshipFile, data: dict, problems: list[dict]) -> Visit:
    """A home visit to a household with a file (assistance.record) and the problems it raised,
    each to be solved by its date."""
    _require(actor, "assistance.record")
    ensure_visible(actor, file.organization)
    errors: dict = {}
    visited_on = _day(data.get("visited_on"), field="visited_on", errors=errors)
    visitors = clean_text(data.get("visitors"))[:200]
    findings = (data.get("findings") or "").strip()
    if not visitors:
        errors["visitors"] = _("Say who visited.")
    if not findings:
        errors["findings"] = _("Describe what was found.")
    cleaned = []
    for index, problem in enumerate(problems, start=1):
        description = clean_text(problem.get("description"))[:300]
        if not description:
            continue
        due = problem.get("due_on")
        if isinstance(due, str):
            try:
                due = datetime.date.fromisoformat(due)
            except ValueError:
                due = None
        if due is None:
            errors["problems"] = _("Problem %(n)d: give the date it should be solved by.") % {"n": index}
        cleaned.append((description, due))
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(file=file, visited_on=visited_on, visitors=visitors, findings=findings,
                                 recorded_by=actor)
    VisitProblem.objects.bulk_create(
        [VisitProblem(visit=visit, file=file, description=d, due_on=due) for d, due in cleaned]
    )
    return visit


@transaction.atomic
def advance_problem(*, actor, problem: VisitProblem, to_status: str, resolution: str = "") -> VisitProblem:
    """Open → in progress → solved (solved straight from open too), with the date and who."""
    _require(actor, "assistance.record")
    problem = VisitProblem.objects.select_for_update().get(pk=problem.pk)
    ensure_visible(actor, problem.file.organization)
    allowed = {
        ProblemStatus.OPEN: (ProblemStatus.IN_PROGRESS, ProblemStatus.SOLVED),
        ProblemStatus.IN_PROGRESS: (ProblemStatus.SOLVED,),
    }.get(problem.status, ())
    if to_status not in allowed:
        raise ValidationError(_("This problem is %(status)s already.") % {"status": problem.get_status_display()},
                              code="out_of_order")
    today = timezone.localdate()
    if to_status == ProblemStatus.IN_PROGRESS:
        problem.started_on, problem.started_by = today, actor
    else:
        if not clean_text(resolution):
            raise ValidationError({"resolution": _("Say how the problem was solved.")})
        problem.solved_on, problem.solved_by, problem.resolution = today, actor, clean_text(resolution)[:300]
        if problem.started_on is None:
            problem.started_on, problem.started_by = today, actor
    problem.status = to_status
    problem.save()
    return problem


# --- legal aid ---------------------------------------------------------------------------


def _clean_case(data: dict, errors: dict) -> dict:
    cleaned = clean_person({**data, "worker_id_number": clean_text(data.get("worker_id_number"))}, errors,
                           name_field="worker_name", id_field="worker_id_number", id_required=False)
    for field, choices in (("dispute_kind", DisputeKind), ("stage", CaseStage)):
        cleaned[field] = data.get(field) or ""
        if cleaned[field] not in choices.values:
            errors[field] = _("Choose from the list.")
    cleaned["outcome"] = data.get("outcome") or ""
    if cleaned["outcome"] not in CaseOutcome.values:
        errors["outcome"] = _("Choose from the list.")
    cleaned["handler"] = clean_text(data.get("handler"))[:100]
    if not cleaned["handler"]:
        errors["handler"] = _("Say who handles the case.")
    cleaned["amount_recovered"] = parse_money(data.get("amount_recovered") or "0", field="amount_recovered",
                                              errors=errors)
    cleaned["opened_on"] = _day(data.get("opened_on"), field="opened_on", errors=errors)
    cleaned["closed_on"] = _day(data.get("closed_on"), field="closed_on", errors=errors, required=False)
    if cleaned["stage"] == CaseStage.CLOSED and cleaned["closed_on"] is None:
        errors["closed_on"] = _("A closed case needs the date it closed.")
    if cleaned["closed_on"] and cleaned["opened_on"] and cleaned["closed_on"] < cleaned["opened_on"]:
        errors["closed_on"] = _("A case cannot close before it was accepted.")
    cleaned["summary"] = (data.get("summary") or "").strip()
    return cleaned


@transaction.atomic
def create_legal_case(*, actor, organization: Organization, data: dict, file: HardshipFile | None = None) -> LegalAidCase:
    """A legal aid case taken on by a union in the actor's scope (assistance.record)."""
    _require(actor, "assistance.record")
    require_in_scope(actor, organization=organization)
    if file is not None:
        ensure_visible(actor, file.organization)
    errors: dict = {}
    cleaned = _clean_case(data, errors)
    if errors:
        raise ValidationError(errors)
    return LegalAidCase.objects.create(organization=organization, file=file, recorded_by=actor, **cleaned)


@transaction.atomic
def update_legal_case(*, actor, case: LegalAidCase, data: dict) -> LegalAidCase:
    _require(actor, "assistance.record")
    case = LegalAidCase.objects.select_for_update().get(pk=case.pk)
    ensure_visible(actor, case.organization)
    errors: dict = {}
    cleaned = _clean_case(data, errors)
    if errors:
        raise ValidationError(errors)
    for field, value in cleaned.items():
        setattr(case, field, value)
    case.save()
    return case


# --- four-seasons campaigns ----------------------------------------------------------------


@transaction.atomic
def create_campaign(*, actor, organizer: Organization, data: dict, allocations: dict) -> Campaign:
    """A season's campaign of an organizer in scope (assistance.campaign) with its budget and
    each county's share of it; the shares may not add up to more than the budget."""
    _require(actor, "assistance.campaign")
    require_in_scope(actor, organizer=organizer)
    errors: dict = {}
    season = data.get("season") or ""
    if season not in Season.values:
        errors["season"] = _("Choose the season.")
    try:
        year = int(data.get("year"))
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("Give the year.")
        year = None
    name = clean_text(data.get("name"))[:100]
    if not name:
        errors["name"] = _("Give the campaign a name.")
    budget = parse_money(data.get("budget"), field="budget", errors=errors)
    shares = {}
    for county, amount in allocations.items():
        share = parse_money(amount, field="allocations", errors=errors, required=False)
        if share:
            require_in_scope(actor, allocations=county)
            shares[county] = share
    if budget is not None and shares and sum(shares.values()) > budget:
        errors["allocations"] = _("The counties' shares add up to more than the budget.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(season=season, year=year, name=name, organizer=organizer, budget=budget,
                                       created_by=actor)
    CampaignAllocation.objects.bulk_create(
        [CampaignAllocation(campaign=campaign, county=county, budget=share) for county, share in shares.items()]
    )
    return campaign


@transaction.atomic
def select_campaign_files(*, actor, campaign: Campaign, files) -> int:
    """Add households with active files (in the actor's and the organizer's scope) as
    recipients; a household already selected is not added twice. Returns how many were added."""
    _require(actor, "assistance.campaign")
    ensure_visible(actor, campaign.organizer)
    rows = [
        CampaignRecipient(campaign=campaign, file=f, organization=f.organization, name=f.head_name)
        for f in files
        if f.status in ASSISTED_STATUSES and is_in_scope(actor, f.organization)
        and f.organization.path.startswith(campaign.organizer.path)
    ]
    before = CampaignRecipient.objects.filter(campaign=campaign).count()
    CampaignRecipient.objects.bulk_create(rows, ignore_conflicts=True)
    return CampaignRecipient.objects.filter(campaign=campaign).count() - before


@transaction.atomic
def add_worker_recipient(*, actor, campaign: Campaign, organization: Organization, name: str,
                         worker_note: str) -> CampaignRecipient:
    """Summer cooling also reaches outdoor and new-sector workers who have no hardship file."""
    _require(actor, "assistance.campaign")
    ensure_visible(actor, campaign.organizer)
    require_in_scope(actor, organization=organization)
    if campaign.season != Season.SUMMER:
        raise ValidationError(_("Only summer cooling reaches workers without a hardship file."))
    errors = {}
    try:
        name = normalize_person_name(name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    if not clean_text(worker_note):
        errors["worker_note"] = _("Say what outdoor or new-sector work the person does.")
    if errors:
        raise ValidationError(errors)
    return CampaignRecipient.objects.create(campaign=campaign, organization=organization, name=name,
                                            worker_note=clean_text(worker_note)[:100])


@transaction.atomic
def deliver_to_recipient(*, actor, recipient: CampaignRecipient, data: dict) -> CampaignRecipient:
    """Record a campaign's delivery. To a household with a file it is an assistance record of
    the season's kind (same rules: active file, threshold, amounts); to a worker without
    one, the delivery itself (assistance.record)."""
    _require(actor, "assistance.record")
    recipient = CampaignRecipient.objects.select_for_update().get(pk=recipient.pk)
    ensure_visible(actor, recipient.organization)
    if recipient.delivered_on is not None:
        raise ValidationError(_("This recipient's delivery was already recorded."), code="delivered")
    if recipient.file is not None:
        record = record_assistance(actor=actor, file=recipient.file, data=data, campaign=recipient.campaign)
        recipient.record = record
        recipient.amount, recipient.goods, recipient.delivered_on = record.amount, record.goods, record.given_on
    else:
        errors: dict = {}
        amount = parse_money(data.get("amount") or "0", field="amount", errors=errors)
        goods = clean_text(data.get("goods"))[:200]
        if amount == 0 and not goods and "amount" not in errors:
            errors["amount"] = _("Give an amount or describe the goods or services given.")
        delivered_on = _day(data.get("given_on"), field="given_on", errors=errors)
        if errors:
            raise ValidationError(errors)
        recipient.amount, recipient.goods, recipient.delivered_on = amount, goods, delivered_on
    recipient.save()
    return recipient
