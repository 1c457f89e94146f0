"""Labor and skills competitions, honors and all-staff innovation enterprises (issue 17).

The database holds what it can: a period that ends after it starts, scores 0–100, one
participation per organization and competition, one honor per person per kind and year,
payments above zero. What needs other rows (a quota not used up, a fund not overspent)
is the services' rule, taken under a row lock.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.storage import private_storage

from .choices import (
    DEFAULT_WEIGHTS,
    MAX_SCORE,
    AwardGrade,
    Criterion,
    EnterpriseLevel,
    HonorLevel,
    Kind,
    Level,
    OutcomeKind,
    Status,
)

_USER = settings.AUTH_USER_MODEL
_MONEY = {"max_digits": 12, "decimal_places": 2}


def _user_fk(verbose, **kwargs):
    return models.ForeignKey(_USER, verbose_name=verbose, on_delete=models.PROTECT, related_name="+", **kwargs)


def _org_fk(verbose, related_name="+", **kwargs):
    return models.ForeignKey("organizations.Organization", verbose_name=verbose, on_delete=models.PROTECT,
                             related_name=related_name, **kwargs)


class KeyIndustry(models.Model):
    """One of the city's key industries (十优产业) a competition may serve; the city edits the list in admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("key industry")
        verbose_name_plural = _("key industries")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Competition(models.Model):
    """A labor or skills competition run by its host organization."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    host = _org_fk(_("host organization"), related_name="hosted_competitions")
    industry = models.ForeignKey(KeyIndustry, verbose_name=_("key industry or project served"),
                                 on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    project = models.CharField(_("key project"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    rules = models.TextField(_("rules"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # 五比一创 weights in percent (key-project competitions; the others score one overall mark).
    weight_safety = models.PositiveSmallIntegerField(_("weight: safety"), default=DEFAULT_WEIGHTS["safety"])
    weight_quality = models.PositiveSmallIntegerField(_("weight: quality"), default=DEFAULT_WEIGHTS["quality"])
    weight_progress = models.PositiveSmallIntegerField(_("weight: progress"), default=DEFAULT_WEIGHTS["progress"])
    weight_innovation = models.PositiveSmallIntegerField(_("weight: innovation"),
                                                         default=DEFAULT_WEIGHTS["innovation"])
    weight_management = models.PositiveSmallIntegerField(_("weight: management"),
                                                         default=DEFAULT_WEIGHTS["management"])
    weight_excellence = models.PositiveSmallIntegerField(_("weight: quality project"),
                                                         default=DEFAULT_WEIGHTS["excellence"])
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labor and skills competition")
        verbose_name_plural = _("labor and skills competitions")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # The list's order and the statistics' year filter.
            models.Index(fields=["-starts_on", "-id"], name="competition_start_idx"),
            models.Index(fields=["host", "starts_on"], name="competition_host_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="competition_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def criteria(self) -> list[str]:
        if self.kind == Kind.KEY_PROJECT:
            return [c.value for c in (Criterion.SAFETY, Criterion.QUALITY, Criterion.PROGRESS,
                                       Criterion.INNOVATION, Criterion.MANAGEMENT, Criterion.EXCELLENCE)]
        return [Criterion.OVERALL.value]

    @property
    def weights(self) -> dict[str, int]:
        if self.kind != Kind.KEY_PROJECT:
            return {Criterion.OVERALL.value: 100}
        return {c: getattr(self, f"weight_{c}") for c in self.criteria}


class CompetitionAttachment(models.Model):
    """The rules as a document (PDF, JPEG or PNG, checked by content: apps.core.attachments)."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="attachments")
    stored = models.FileField(storage=private_storage, upload_to="competitions/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rules document")
        verbose_name_plural = _("rules documents")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class Participation(models.Model):
    """An organization taking part; `counted_people` are its participants counted without names
    (a speech contest's 100,000 participant-times arrive as counts per organization)."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="participations")
    organization = _org_fk(_("union organization"))
    counted_people = models.PositiveIntegerField(_("participants counted (without names)"), default=0)

    class Meta:
        verbose_name = _("participating organization")
        verbose_name_plural = _("participating organizations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "organization"], name="participation_once"),
        ]

    def __str__(self):
        return str(self.organization)


class Team(models.Model):
    """An entrant that is scored and ranked: a project section's team, a skills team, or one
    person's entry. Its award, when given, is counted against its county's quota."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="teams")
    organization = _org_fk(_("union organization"))
    name = models.CharField(_("team"), max_length=200)
    award = models.CharField(_("award"), max_length=16, choices=AwardGrade.choices, blank=True)
    awarded_by = _user_fk(_("awarded by"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="team_name_once")]

    def __str__(self):
        return self.name


class Participant(models.Model):
    """A person taking part: a member (by resident ID number) or a named person, with a result."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="participants")
    organization = _org_fk(_("union organization"))
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="members")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    result = models.CharField(_("result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "member"], condition=Q(member__isnull=False),
                                    name="participant_member_once"),
        ]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """A round of the competition (preliminary, final, a quarter's evaluation), scored per team."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="stages")
    name = models.CharField(pgettext_lazy("competition", "stage"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = pgettext_lazy("competition", "stage")
        verbose_name_plural = _("stages")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="stage_name_once")]

    def __str__(self):
        return self.name


class Score(models.Model):
    """One team's mark on one criterion at one stage, 0–100."""

    stage = models.ForeignKey(Stage, verbose_name=pgettext_lazy("competition", "stage"), on_delete=models.CASCADE,
                              related_name="scores")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices)
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["stage", "team", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=MAX_SCORE), name="score_in_range"),
        ]


class AwardQuota(models.Model):
    """How many awards a county's teams may receive in a competition (the organizing
    committee's share per county). A county without a row may receive none."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="quotas")
    county = _org_fk(_("county/district"))
    quota = models.PositiveSmallIntegerField(_("awards allowed"))

    class Meta:
        verbose_name = _("award quota")
        verbose_name_plural = _("award quotas")
        ordering = ["county__code"]
        constraints = [models.UniqueConstraint(fields=["competition", "county"], name="quota_once")]


class HonorKind(models.Model):
    """劳动模范, 五一劳动奖章, 工人先锋号, 工匠 and the others the city adds in admin."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    collective = models.BooleanField(_("given to a collective"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("honor kind")
        verbose_name_plural = _("honor kinds")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Honor(models.Model):
    """An honor given to a person (a member or not) or a collective of an organization."""

    kind = models.ForeignKey(HonorKind, verbose_name=_("honor"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=HonorLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    organization = _org_fk(_("union organization"))
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    honoree = models.CharField(_("honoree"), max_length=200)
    # A person's resident ID number (the member's, or the named person's): what makes "one
    # honor per person per kind and year" a database rule. Empty for a collective.
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    title = models.CharField(_("post or job"), max_length=200, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honor")
        verbose_name_plural = _("honors")
        ordering = ["-year", "kind__position", "id"]
        indexes = [models.Index(fields=["year", "level"], name="honor_year_level_idx"),
                   models.Index(fields=["organization", "year"], name="honor_org_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "id_number"], condition=~Q(id_number=""),
                                    name="honor_once_per_person_kind_year"),
            models.UniqueConstraint(fields=["kind", "year", "organization", "honoree"], condition=Q(id_number=""),
                                    name="honor_once_per_collective_kind_year"),
        ]

    def __str__(self):
        return f"{self.honoree} · {self.kind} · {self.year}"


class SpecialFund(models.Model):
    """The city's special fund for all-staff innovation enterprises (2,000,000 yuan for the
    reference city). Grants and payments lock this row, so it is never overspent."""

    name = models.CharField(_("name"), max_length=100)
    owner = _org_fk(_("owner"))
    budget = models.DecimalField(_("budget (yuan)"), **_MONEY)

    class Meta:
        verbose_name = _("special fund")
        verbose_name_plural = _("special funds")
        constraints = [models.CheckConstraint(condition=Q(budget__gte=0), name="fund_budget_not_negative")]

    def __str__(self):
        return self.name


class InnovationEnterprise(models.Model):
    """An employer named an all-staff innovation enterprise (全员创新企业) at a level and year,
    with the grant it was promised from the special fund."""

    employer = models.ForeignKey("employers.Employer", verbose_name=_("employer unit"), on_delete=models.PROTECT,
                                 related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=EnterpriseLevel.choices)
    year_named = models.PositiveSmallIntegerField(_("year named"))
    fund = models.ForeignKey(SpecialFund, verbose_name=_("special fund"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="enterprises")
    granted = models.DecimalField(_("fund granted (yuan)"), default=0, **_MONEY)
    named_by = _user_fk(_("named by"))
    named_at = models.DateTimeField(_("named at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("all-staff innovation enterprise")
        verbose_name_plural = _("all-staff innovation enterprises")
        ordering = ["-year_named", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "level"], name="innovation_enterprise_once_per_level"),
            models.CheckConstraint(condition=Q(granted__gte=0), name="innovation_granted_not_negative"),
        ]

    def __str__(self):
        return str(self.employer)


class FundPayment(models.Model):
    """One payment from the special fund to a named enterprise: the fund's ledger."""

    fund = models.ForeignKey(SpecialFund, verbose_name=_("special fund"), on_delete=models.PROTECT,
                             related_name="payments")
    enterprise = models.ForeignKey(InnovationEnterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund payment")
        verbose_name_plural = _("fund payments")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_payment_positive")]


class InnovationOutcome(models.Model):
    """What a named enterprise's staff achieved: a count of one kind of outcome in a year."""

    enterprise = models.ForeignKey(InnovationEnterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="outcomes")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    count = models.PositiveIntegerField(_("count"))
    description = models.TextField(_("description"), blank=True)
    reported_by = _user_fk(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("innovation outcome")
        verbose_name_plural = _("innovation outcomes")
        ordering = ["-year", "id"]
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="outcome_count_positive")]
