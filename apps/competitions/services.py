"""Every write of competitions, honors and innovation enterprises (issue 17).

Each service checks its own capability (apps/accounts/roles.py) and scope
(apps.organizations.scope): the object acted on outside the scope answers 404, an
organization chosen in a form outside it is a field error. Refusals are ValidationErrors
naming the field, and nothing is written (one transaction each).

Who runs a competition follows its level, as the union's organizing committees do
(`may_run`): the city federation's staff run city-level competitions, a county
federation's staff (or the city's) county-level ones, an enterprise union's officer (or
staff above) enterprise-level ones. Running means editing it, its participants, stages,
scores, quotas and awards.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.attachments import DOCUMENTS, checked_upload
from apps.core.validators import normalize_resident_id
from apps.employers.selectors import employers_visible_to
from apps.members.models import CURRENT_STATUSES, Member
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, require_in_scope, scope_queryset

from .choices import DEFAULT_WEIGHTS, MAX_SCORE, NEXT_STATUS, EnterpriseLevel, HonorLevel, Kind, Level, Status
from .models import (
    AwardQuota,
    Competition,
    CompetitionAttachment,
    FundPayment,
    Honor,
    HonorKind,
    InnovationEnterprise,
    InnovationOutcome,
    Participant,
    Participation,
    Score,
    SpecialFund,
    Stage,
    Team,
)

K = Organization.Kind
# The host a level's competition has: the city federation, a county federation, or a union below.
HOST_KINDS = {
    Level.CITY: {K.CITY_FEDERATION},
    Level.COUNTY: {K.COUNTY_FEDERATION},
    Level.ENTERPRISE: set(K.values) - {K.PROVINCE_FEDERATION, K.CITY_FEDERATION, K.COUNTY_FEDERATION},
}
# Which roles run (or record) what belongs to a level. Superusers may do everything.
_CITY = {Role.CITY_STAFF}
_COUNTY = {Role.CITY_STAFF, Role.COUNTY_STAFF}
_RUNNERS = {Level.CITY: _CITY, Level.COUNTY: _COUNTY, Level.ENTERPRISE: _COUNTY | {Role.BRANCH_OFFICER}}
_HONOR_RECORDERS = {HonorLevel.NATIONAL: _CITY, HonorLevel.PROVINCIAL: _CITY, HonorLevel.CITY: _CITY,
                    HonorLevel.COUNTY: _COUNTY}
_NAMERS = {EnterpriseLevel.PROVINCIAL: _CITY, EnterpriseLevel.CITY: _CITY, EnterpriseLevel.COUNTY: _COUNTY}
WEIGHT_FIELDS = ("weight_safety", "weight_quality", "weight_progress", "weight_innovation", "weight_management",
                 "weight_excellence")
COMPETITION_FIELDS = ("name", "kind", "level", "industry", "project", "starts_on", "ends_on", "rules",
                      *WEIGHT_FIELDS)


def _require(actor, capability: str) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied


def _role_in(actor, roles) -> bool:
    return actor.is_superuser or actor.role in roles


def may_run(actor, competition: Competition) -> bool:
    """The level's organizing side in scope: draws the buttons and guards every service below."""
    return (actor.has_capability("competitions.manage") and _role_in(actor, _RUNNERS[competition.level])
            and scope_queryset(Organization.objects.filter(pk=competition.host_id), actor, via="").exists())


def _ensure_runs(actor, competition: Competition) -> None:
    _require(actor, "competitions.manage")
    ensure_visible(actor, competition.host)
    if not _role_in(actor, _RUNNERS[competition.level]):
        raise PermissionDenied


def _check_level_and_host(actor, level: str, host: Organization | None) -> None:
    if host is None:
        raise ValidationError({"host": _("Choose the host organization.")})
    require_in_scope(actor, host=host)
    if level in _RUNNERS and not _role_in(actor, _RUNNERS[level]):
        raise ValidationError({"level": _("Your role does not run competitions at this level.")})
    if level in HOST_KINDS and host.kind not in HOST_KINDS[level]:
        raise ValidationError({"host": _("A %(level)s competition is hosted by %(kinds)s.") % {
            "level": Level(level).label,
            "kinds": _("the city federation") if level == Level.CITY else
            _("a county/district federation") if level == Level.COUNTY else _("a union below the county"),
        }})


def _check_weights(kind: str, data: dict) -> None:
    if kind != Kind.KEY_PROJECT:
        return
    weights = {f"weight_{c}": w for c, w in DEFAULT_WEIGHTS.items()} | {f: data[f] for f in WEIGHT_FIELDS if f in data}
    total = sum(int(weights[f] or 0) for f in WEIGHT_FIELDS)
    if total != 100:
        raise ValidationError({"weight_safety": _("The six weights must add up to 100; they add up to %(total)s.")
                               % {"total": total}})


def _check_period(data: dict) -> None:
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The competition ends before it starts.")})


@transaction.atomic
def create_competition(*, actor, host: Organization, data: dict) -> Competition:
    """A planned competition of a level the actor's role runs, hosted by an organization of
    that level in the actor's scope; ends on or after it starts; key-project weights sum to 100."""
    _require(actor, "competitions.manage")
    level = data.get("level", "")
    _check_level_and_host(actor, level, host)
    _check_period(data)
    _check_weights(data.get("kind", ""), data)
    competition = Competition(host=host, created_by=actor, **{f: data[f] for f in COMPETITION_FIELDS if f in data})
    competition.full_clean()
    competition.save()
    return competition


@transaction.atomic
def update_competition(*, actor, competition: Competition, data: dict) -> Competition:
    """Change what the runner set; the level and host stay (they decide who runs it)."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _ensure_runs(actor, competition)
    _check_period(data)
    _check_weights(data.get("kind", competition.kind), {**{f: getattr(competition, f) for f in WEIGHT_FIELDS}, **data})
    for field in COMPETITION_FIELDS:
        if field in data and field != "level":
            setattr(competition, field, data[field])
    competition.full_clean()
    competition.save()
    return competition


@transaction.atomic
def advance_competition(*, actor, competition: Competition) -> Competition:
    """planned → running → finished, one step at a time, by the runner."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _ensure_runs(actor, competition)
    following = NEXT_STATUS.get(competition.status)
    if following is None:
        raise ValidationError({"status": _("The competition has finished; it has no further step.")})
    competition.status = following
    competition.save(update_fields=["status"])
    return competition


@transaction.atomic
def add_rules_attachment(*, actor, competition: Competition, upload) -> CompetitionAttachment:
    """Keep a rules document: PDF, JPEG or PNG by content, size-limited, images re-encoded
    (apps.core.attachments, as for hardship documents)."""
    _ensure_runs(actor, competition)
    checked = checked_upload(upload, allowed=DOCUMENTS)
    attachment = CompetitionAttachment(competition=competition, original_name=checked.name,
                                       content_type=checked.content_type, size=len(checked.content),
                                       uploaded_by=actor)
    attachment.stored.save(checked.storage_name, checked.as_file(), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.stored.delete(save=False)
        raise
    return attachment


def _within_reach(actor, competition: Competition, organization: Organization | None, field: str = "organization"):
    """A participant's organization lies under the host (a county's competition takes its
    county's unions) and in the actor's scope."""
    if organization is None:
        raise ValidationError({field: _("Choose the union organization.")})
    require_in_scope(actor, **{field: organization})
    if not organization.path.startswith(competition.host.path):
        raise ValidationError({field: _("%(name)s lies outside the reach of the host, %(host)s.") % {
            "name": organization.name, "host": competition.host.name}})


def _not_finished(competition: Competition, field: str = None) -> None:
    if competition.status == Status.FINISHED:
        raise ValidationError({field: _("The competition has finished; its entries are closed.")} if field else
                              _("The competition has finished; its entries are closed."))


@transaction.atomic
def add_participation(*, actor, competition: Competition, organization: Organization,
                      counted_people: int = 0) -> Participation:
    """An organization within the host's reach takes part, with the participants it counts
    without names; named again, its count is replaced (a corrected figure, not a second row)."""
    _ensure_runs(actor, competition)
    _not_finished(competition, "organization")
    _within_reach(actor, competition, organization)
    if counted_people is None or counted_people < 0:
        raise ValidationError({"counted_people": _("Enter a count of zero or more.")})
    participation, _created = Participation.objects.update_or_create(
        competition=competition, organization=organization, defaults={"counted_people": counted_people})
    return participation


def _joins(competition: Competition, organization: Organization) -> None:
    Participation.objects.get_or_create(competition=competition, organization=organization)


@transaction.atomic
def add_team(*, actor, competition: Competition, organization: Organization, name: str) -> Team:
    """An entrant of an organization within the host's reach; the organization takes part."""
    _ensure_runs(actor, competition)
    _not_finished(competition, "name")
    _within_reach(actor, competition, organization)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the team.")})
    if Team.objects.filter(competition=competition, name=name).exists():
        raise ValidationError({"name": _("This competition already has a team named %(name)s.") % {"name": name}})
    _joins(competition, organization)
    return Team.objects.create(competition=competition, organization=organization, name=name)


@transaction.atomic
def add_participant(*, actor, competition: Competition, organization: Organization | None, team: Team | None = None,
                    id_number: str = "", name: str = "", result: str = "") -> Participant:
    """A person taking part: a current member found by resident ID number (their union must
    lie within the host's reach), or a named person of an organization within it."""
    _ensure_runs(actor, competition)
    _not_finished(competition, "name")
    member = None
    if id_number:
        try:
            normalized = normalize_resident_id(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        member = (Member.objects.select_related("organization")
                  .filter(id_number=normalized, status__in=CURRENT_STATUSES).first())
        if member is None or not scope_queryset(Member.objects.filter(pk=member.pk), actor).exists():
            raise ValidationError({"id_number": _("No current member with this resident ID number in your scope.")})
        organization = member.organization
        name = member.name
        _within_reach(actor, competition, organization, field="id_number")
        if Participant.objects.filter(competition=competition, member=member).exists():
            raise ValidationError({"id_number": _("%(name)s already takes part.") % {"name": name}})
    else:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": _("Enter the member's resident ID number or the person's name.")})
        _within_reach(actor, competition, organization)
    if team is not None and team.competition_id != competition.pk:
        raise ValidationError({"team": _("The team belongs to another competition.")})
    _joins(competition, organization)
    return Participant.objects.create(competition=competition, organization=organization, team=team,
                                      member=member, name=name, result=(result or "").strip())


@transaction.atomic
def add_stage(*, actor, competition: Competition, name: str) -> Stage:
    """A new round, after the others."""
    _ensure_runs(actor, competition)
    _not_finished(competition, "name")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the stage.")})
    if competition.stages.filter(name=name).exists():
        raise ValidationError({"name": _("This competition already has a stage named %(name)s.") % {"name": name}})
    last = competition.stages.order_by("-position").values_list("position", flat=True).first() or 0
    return Stage.objects.create(competition=competition, name=name, position=last + 1)


def score_field(team_id: int, criterion: str) -> str:
    """The form field (and error key) of one mark: score-<team>-<criterion>."""
    return f"score-{team_id}-{criterion}"


@transaction.atomic
def record_scores(*, actor, stage: Stage, marks: dict[tuple[int, str], str | Decimal | None]) -> int:
    """Enter or correct a stage's marks while the competition runs: each 0–100 on the
    competition's criteria (五比一创 for a key project), for its own teams. A mark left
    empty is removed. Every bad mark is named and nothing is written. Returns the marks kept."""
    competition = Competition.objects.select_for_update().get(pk=stage.competition_id)
    _ensure_runs(actor, competition)
    if competition.status != Status.RUNNING:
        raise ValidationError(_("Scores are entered while the competition runs; it is %(status)s.")
                              % {"status": competition.get_status_display()})
    teams = set(competition.teams.values_list("pk", flat=True))
    criteria = set(competition.criteria)
    errors, keep, drop = {}, {}, []
    for (team_id, criterion), raw in marks.items():
        key = score_field(team_id, criterion)
        if team_id not in teams or criterion not in criteria:
            errors[key] = _("Not a team and criterion of this competition.")
            continue
        if raw in (None, ""):
            drop.append((team_id, criterion))
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[key] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or value > MAX_SCORE or value != value.quantize(Decimal("0.01")):
            errors[key] = _("A score lies between 0 and %(max)s, with at most two decimals.") % {"max": MAX_SCORE}
            continue
        keep[(team_id, criterion)] = value
    if errors:
        raise ValidationError(errors)
    for team_id, criterion in drop:
        Score.objects.filter(stage=stage, team_id=team_id, criterion=criterion).delete()
    for (team_id, criterion), value in keep.items():
        Score.objects.update_or_create(stage=stage, team_id=team_id, criterion=criterion,
                                       defaults={"value": value, "recorded_by": actor})
    return len(keep)


@transaction.atomic
def set_award_quota(*, actor, competition: Competition, county: Organization, quota: int) -> AwardQuota:
    """How many awards a county's teams may receive; never below the awards it already holds."""
    _ensure_runs(actor, competition)
    if county is None or county.kind != K.COUNTY_FEDERATION:
        raise ValidationError({"county": _("Choose a county/district federation.")})
    if not county.path.startswith(competition.host.path) and not competition.host.path.startswith(county.path):
        raise ValidationError({"county": _("%(name)s lies outside the reach of the host, %(host)s.") % {
            "name": county.name, "host": competition.host.name}})
    if quota is None or quota < 0:
        raise ValidationError({"quota": _("Enter a count of zero or more.")})
    given = competition.teams.exclude(award="").filter(organization__county=county).count()
    if quota < given:
        raise ValidationError({"quota": _("%(county)s already holds %(given)s awards; the quota cannot be lower.")
                               % {"county": county.name, "given": given}})
    row, _created = AwardQuota.objects.update_or_create(competition=competition, county=county,
                                                        defaults={"quota": quota})
    return row


@transaction.atomic
def give_award(*, actor, team: Team, grade: str) -> Team:
    """An award to a team of a finished competition, counted against its county's quota: a
    county without a quota, or whose quota is used up, gets none (the quota row is locked,
    so two clerks giving the last award at once cannot both succeed)."""
    team = (Team.objects.select_for_update(of=("self",)).select_related("competition__host", "organization__county")
            .get(pk=team.pk))
    competition = team.competition
    _ensure_runs(actor, competition)
    if competition.status != Status.FINISHED:
        raise ValidationError({"grade": _("Awards are given when the competition has finished.")})
    if grade not in {c for c, _label in Team._meta.get_field("award").choices}:
        raise ValidationError({"grade": _("Choose an award.")})
    county = team.organization.county
    if team.award:
        team.award = grade  # a changed grade uses no further quota
    else:
        quota = AwardQuota.objects.select_for_update().filter(competition=competition, county=county).first()
        if quota is None:
            raise ValidationError({"grade": _("No award quota is set for %(county)s.") % {
                "county": county.name if county else _("the city federation")}})
        given = competition.teams.exclude(award="").filter(organization__county=county).count()
        if given >= quota.quota:
            raise ValidationError({"grade": _("The quota of %(quota)s awards for %(county)s is used up.") % {
                "quota": quota.quota, "county": county.name}})
        team.award = grade
    team.awarded_by, team.awarded_at = actor, timezone.now()
    team.save(update_fields=["award", "awarded_by", "awarded_at"])
    return team


@transaction.atomic
def withdraw_award(*, actor, team: Team) -> Team:
    """Take an award back (a mistake): its quota place is free again."""
    team = Team.objects.select_for_update().select_related("competition__host").get(pk=team.pk)
    _ensure_runs(actor, team.competition)
    team.award, team.awarded_by, team.awarded_at = "", None, None
    team.save(update_fields=["award", "awarded_by", "awarded_at"])
    return team


# --- honors --------------------------------------------------------------------------------


def may_record_honor(actor, level: str) -> bool:
    """Honors are filed by the federation at their level: national, provincial and city
    honors by the city federation, county honors by a county federation (or the city)."""
    return actor.has_capability("competitions.honor") and _role_in(actor, _HONOR_RECORDERS.get(level, set()))


@transaction.atomic
def record_honor(*, actor, kind: HonorKind, level: str, year: int, organization: Organization,
                 id_number: str = "", honoree: str = "", title: str = "") -> Honor:
    """A person's honor (a current member found by resident ID number in scope, else the
    named person with their ID number) or a collective's; one honor per person — and per
    collective of an organization — per kind and year (database constraints)."""
    _require(actor, "competitions.honor")
    if level not in HonorLevel.values:
        raise ValidationError({"level": _("Choose a level.")})
    if not may_record_honor(actor, level):
        raise ValidationError({"level": _("%(level)s honors are recorded by the city federation.")
                               % {"level": HonorLevel(level).label}})
    if organization is None:
        raise ValidationError({"organization": _("Choose the union organization.")})
    require_in_scope(actor, organization=organization)
    member = None
    honoree = (honoree or "").strip()
    if kind.collective:
        if not honoree:
            raise ValidationError({"honoree": _("Name the collective.")})
        id_number = ""
    else:
        if not id_number:
            raise ValidationError({"id_number": _("A person's honor needs their resident ID number.")})
        try:
            id_number = normalize_resident_id(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        member = scope_queryset(Member.objects.filter(id_number=id_number, status__in=CURRENT_STATUSES),
                                actor).first()
        if member is not None:
            honoree = member.name
        elif not honoree:
            raise ValidationError({"honoree": _("Not a member in your scope: enter the person's name.")})
    duplicate = Honor.objects.filter(kind=kind, year=year)
    duplicate = (duplicate.filter(organization=organization, honoree=honoree, id_number="") if kind.collective
                 else duplicate.filter(id_number=id_number))
    field = "honoree" if kind.collective else "id_number"
    refusal = ValidationError({field: _("%(name)s already holds %(kind)s for %(year)s.") % {
        "name": honoree, "kind": kind.name, "year": year}})
    if duplicate.exists():
        raise refusal
    honor = Honor(kind=kind, level=level, year=year, organization=organization, member=member, honoree=honoree,
                  id_number=id_number, title=(title or "").strip(), recorded_by=actor)
    honor.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            honor.save()
    except IntegrityError as exc:  # the same honor entered at the same moment by someone else
        raise refusal from exc
    return honor


# --- all-staff innovation enterprises and the special fund ---------------------------------


def the_fund() -> SpecialFund | None:
    """The city's special fund (admin: special funds); one per city."""
    return SpecialFund.objects.order_by("id").first()


def _locked_fund() -> SpecialFund:
    fund = the_fund()
    if fund is None:
        raise ValidationError(_("No special fund is set up yet (admin: special funds)."))
    return SpecialFund.objects.select_for_update().get(pk=fund.pk)


def fund_position(fund: SpecialFund) -> dict[str, Decimal]:
    """Budget, granted, paid and what remains of each, from the ledger itself."""
    granted = fund.enterprises.aggregate(s=Sum("granted"))["s"] or Decimal(0)
    paid = fund.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"budget": fund.budget, "granted": granted, "paid": paid, "unallocated": fund.budget - granted,
            "unpaid": fund.budget - paid}


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Enter an amount in yuan with at most two decimals.")})
    return amount


def _employer_visible(actor, employer) -> None:
    if not employers_visible_to(actor).filter(pk=employer.pk).exists():
        raise ValidationError({"employer": _("%(name)s lies outside your scope.") % {"name": employer.name}})


@transaction.atomic
def name_innovation_enterprise(*, actor, employer, level: str, year_named: int,
                               granted: Decimal | str = "0") -> InnovationEnterprise:
    """Name an employer in scope an all-staff innovation enterprise: county level by a county
    federation, city and provincial level by the city. A grant is promised from the special
    fund (city staff only) and never beyond what the fund has left unallocated."""
    _require(actor, "competitions.innovation")
    if employer is None:
        raise ValidationError({"employer": _("Choose the employer unit.")})
    _employer_visible(actor, employer)
    if level not in EnterpriseLevel.values:
        raise ValidationError({"level": _("Choose a level.")})
    if not _role_in(actor, _NAMERS[level]):
        raise ValidationError({"level": _("%(level)s enterprises are named by the city federation.")
                               % {"level": EnterpriseLevel(level).label}})
    if InnovationEnterprise.objects.filter(employer=employer, level=level).exists():
        raise ValidationError({"employer": _("%(name)s is already a %(level)s all-staff innovation enterprise.")
                               % {"name": employer.name, "level": EnterpriseLevel(level).label}})
    amount = _money(granted or 0, "granted")
    if amount < 0:
        raise ValidationError({"granted": _("Enter an amount of zero or more.")})
    fund = None
    if amount:
        if not actor.has_capability("competitions.fund"):
            raise ValidationError({"granted": _("Only the city federation grants from the special fund.")})
        fund = _locked_fund()
        left = fund_position(fund)["unallocated"]
        if amount > left:
            raise ValidationError({"granted": _("The special fund has %(left)s yuan left to grant; %(amount)s "
                                                "yuan is more.") % {"left": left, "amount": amount}})
    else:
        fund = the_fund()
    return InnovationEnterprise.objects.create(employer=employer, level=level, year_named=year_named, fund=fund,
                                               granted=amount, named_by=actor)


def _visible_enterprise(actor, enterprise: InnovationEnterprise) -> InnovationEnterprise:
    from .selectors import enterprises_visible_to  # selectors read services' rules (may_run)

    if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        raise Http404
    return enterprise


@transaction.atomic
def record_fund_payment(*, actor, enterprise: InnovationEnterprise, amount, paid_on, note: str = "") -> FundPayment:
    """Pay part of an enterprise's grant from the special fund. Refused, with what remains,
    when it exceeds the enterprise's unpaid grant or the fund's unpaid budget. The fund's row
    is locked first, so two payments at once are decided one after the other: never overspent."""
    _require(actor, "competitions.fund")
    _visible_enterprise(actor, enterprise)
    value = _money(amount, "amount")
    if value <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if paid_on is None:
        raise ValidationError({"paid_on": _("Enter the date paid.")})
    fund = _locked_fund()
    enterprise = InnovationEnterprise.objects.get(pk=enterprise.pk)
    if enterprise.fund_id not in (None, fund.pk):
        raise ValidationError({"amount": _("The enterprise's grant comes from another fund.")})
    paid_here = enterprise.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    left_for_enterprise = enterprise.granted - paid_here
    if value > left_for_enterprise:
        raise ValidationError({"amount": _("%(left)s yuan of the enterprise's grant remain unpaid; %(amount)s yuan "
                                           "is more.") % {"left": left_for_enterprise, "amount": value}})
    left_in_fund = fund_position(fund)["unpaid"]
    if value > left_in_fund:
        raise ValidationError({"amount": _("The special fund has %(left)s yuan left; %(amount)s yuan is more.")
                               % {"left": left_in_fund, "amount": value}})
    return FundPayment.objects.create(fund=fund, enterprise=enterprise, amount=value, paid_on=paid_on,
                                      note=(note or "").strip(), recorded_by=actor)


@transaction.atomic
def report_outcome(*, actor, enterprise: InnovationEnterprise, year: int, kind: str, count: int,
                   description: str = "") -> InnovationOutcome:
    """The enterprise's union (or staff above) reports what its staff achieved: a count of one kind."""
    _require(actor, "competitions.manage")
    _visible_enterprise(actor, enterprise)
    if count is None or count <= 0:
        raise ValidationError({"count": _("Enter a count above zero.")})
    outcome = InnovationOutcome(enterprise=enterprise, year=year, kind=kind, count=count,
                                description=(description or "").strip(), reported_by=actor)
    outcome.full_clean()
    outcome.save()
    return outcome
