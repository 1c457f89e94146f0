"""Hardship-worker files (困难职工档案) and what the federation does for them (issue 16).

One file per household, followed through a workflow whose every step is a FileEvent on
the file's one timeline. Money is Decimal yuan; the database holds the invariants it can
(one open file per household, amounts never negative, income per head that matches the
household's income and size, a category other than the suggested one only with a reason).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Abs
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.privacy import mask_id_number
from apps.core.validators import validate_phone, validate_resident_id

from .choices import (
    OPEN_STATUSES,
    AssistanceKind,
    AttachmentKind,
    CaseOutcome,
    CaseStage,
    Category,
    Cause,
    DisputeKind,
    ExitReason,
    FileStatus,
    FundSource,
    Health,
    ProblemStatus,
    RecordStatus,
    Relation,
    Season,
)
from .storage import private_storage

MONEY = {"max_digits": 12, "decimal_places": 2}
# No single record of assistance, recovered sum or budget is anywhere near this; a larger
# figure is a typing error (an extra digit or two), refused by the database too.
ABSURD_AMOUNT = Decimal(10000000)
_USER = settings.AUTH_USER_MODEL


def _user_fk(verbose, **kwargs):
    return models.ForeignKey(_USER, verbose_name=verbose, on_delete=models.PROTECT, related_name="+", **kwargs)


class LivingStandard(models.Model):
    """A county's minimum living standard (最低生活保障标准), yuan per person per month, from
    a date on. A change is a new row (the old one stays, and simple-history keeps edits), so
    a file is always measured against the standard in force on its date."""

    county = models.ForeignKey(
        "organizations.Organization", verbose_name=_("county/district"), on_delete=models.PROTECT,
        related_name="+",
    )
    monthly_amount = models.DecimalField(_("yuan per person per month"), **MONEY)
    effective_from = models.DateField(_("in force from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minimum living standard")
        verbose_name_plural = _("minimum living standards")
        ordering = ["county_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="living_standard_one_per_day"),
            models.CheckConstraint(condition=Q(monthly_amount__gt=0), name="living_standard_positive"),
        ]

    def __str__(self):
        return f"{self.county} {self.effective_from:%Y-%m-%d} {self.monthly_amount}"


class AssistanceSettings(models.Model):
    """The city's settings for assistance (Django admin); without a row the defaults apply."""

    approval_threshold = models.DecimalField(
        _("money above this needs the level above's approval"), default=Decimal("2000.00"), **MONEY
    )
    step_limit_days = models.PositiveSmallIntegerField(_("days a file may wait at a step"), default=7)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assistance settings")
        verbose_name_plural = _("assistance settings")
        constraints = [models.CheckConstraint(condition=Q(approval_threshold__gte=0), name="settings_threshold")]

    def __str__(self):
        return str(self._meta.verbose_name)


class HardshipFile(models.Model):
    """One household in hardship, kept by its grassroots union (困难职工档案)."""

    Status = FileStatus

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("union organization"), on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    head_name = models.CharField(_("head of household"), max_length=50)
    # Normalized like the roll's (apps.core.validators.normalize_resident_id).
    head_id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_resident_id]
    )
    head_member = models.ForeignKey(
        "members.Member", verbose_name=_("membership"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    head_phone = models.CharField(_("contact phone"), max_length=11, blank=True, validators=[validate_phone])
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    suggested_category = models.CharField(
        _("suggested category"), max_length=16, choices=Category.choices, blank=True
    )
    category_reason = models.CharField(_("reason for the category"), max_length=300, blank=True)
    causes = ArrayField(models.CharField(max_length=16, choices=Cause.choices), verbose_name=_("causes"))
    cause_note = models.CharField(_("about the causes"), max_length=300, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    monthly_income = models.DecimalField(_("household income per month"), **MONEY)
    income_per_head = models.DecimalField(_("income per head per month"), **MONEY)
    living_standard = models.DecimalField(_("minimum living standard"), **MONEY)
    file_date = models.DateField(_("figures as of"))
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account for payments"), max_length=30, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=FileStatus.choices, default=FileStatus.DRAFT)
    # +1 on every change: a form carries the version it showed, so of two clerks acting on
    # the same version only the first succeeds (services._lock_for_step).
    version = models.PositiveIntegerField(default=1)
    status_changed_at = models.DateTimeField(_("at this step since"))
    submitted_by = _user_fk(_("submitted by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = _user_fk(_("reviewed by"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = _user_fk(_("approved by"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    valid_until = models.DateField(_("re-verification due"), null=True, blank=True)
    exited_on = models.DateField(_("out of hardship on"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for the exit"), max_length=16, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField(_("about the exit"), max_length=300, blank=True)

    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = _user_fk(_("changed by"))
    updated_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("hardship worker file")
        verbose_name_plural = _("hardship worker files")
        ordering = ["-id"]
        constraints = [
            # One open file per household: a second one is refused (services say which union
            # holds the first). An exited file is closed; the household may be filed again.
            models.UniqueConstraint(
                fields=["head_id_number"], condition=Q(status__in=OPEN_STATUSES),
                name="hardship_one_open_file_per_household",
            ),
            models.CheckConstraint(condition=Q(household_size__gte=1, household_size__lte=30),
                                   name="hardship_household_size"),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0, income_per_head__gte=0, living_standard__gte=0)
                & Q(monthly_income__lt=ABSURD_AMOUNT),
                name="hardship_amounts_not_negative",
            ),
            # Income per head is income / size rounded to fen: at most half a fen per head off.
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Abs(F("monthly_income") - F("income_per_head") * F("household_size")),
                    F("household_size") * Value(Decimal("0.005")),
                ),
                name="hardship_income_per_head_matches",
            ),
            models.CheckConstraint(
                condition=Q(category=F("suggested_category")) | ~Q(category_reason=""),
                name="hardship_other_category_has_reason",
            ),
            models.CheckConstraint(condition=~Q(status="exited") | Q(exited_on__isnull=False, exit_reason__gt=""),
                                   name="hardship_exit_has_date_and_reason"),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "reverifying"]) | Q(valid_until__isnull=False),
                name="hardship_active_has_reverification_date",
            ),
        ]
        indexes = [
            # Lists and queues by scope: organization_id IN (the subtree), by status.
            models.Index(fields=["organization", "status"], name="hardship_org_status_idx"),
            # "Waiting at my step" and "waiting too long": status, then how long.
            models.Index(fields=["status", "status_changed_at"], name="hardship_status_since_idx"),
            # Re-verification due: active files by due date.
            models.Index(fields=["valid_until"], condition=Q(status="active"), name="hardship_due_idx"),
            # Files unchanged for 12 months.
            models.Index(fields=["updated_at"], name="hardship_updated_idx"),
        ]

    def __str__(self):
        return self.head_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.head_id_number)

    @property
    def cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.causes]


class HouseholdMember(models.Model):
    """Somebody living in the household besides its head."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("file"), on_delete=models.CASCADE,
                             related_name="household")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True,
                                 validators=[validate_resident_id])
    health = models.CharField(_("health"), max_length=16, choices=Health.choices, default=Health.HEALTHY)
    occupation = models.CharField(_("work or school"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["id"]
        indexes = [
            # "Is this person in another open file?" (services.check_not_in_open_file)
            models.Index(fields=["id_number"], condition=~Q(id_number=""), name="household_id_number_idx"),
        ]

    def __str__(self):
        return self.name


class FileEvent(models.Model):
    """The file's timeline: every step (and every edit), who took it, when, why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("submitted")
        REVIEWED = "reviewed", _("reviewed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("returned")
        REVERIFICATION = "reverification", _("re-verification submitted")
        RENEWED = "renewed", _("renewed")
        EXITED = "exited", _("out of hardship")
        FOLLOWED_UP = "followed_up", _("followed up")
        REOPENED = "reopened", _("re-opened")
        ATTACHED = "attached", _("document added")

    file = models.ForeignKey(HardshipFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=FileStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=FileStatus.choices, blank=True)
    actor = _user_fk(_("by"))
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("file event")
        verbose_name_plural = _("file events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["file", "at"], name="file_event_file_at_idx")]

    def __str__(self):
        return f"{self.file} {self.get_action_display()}"


class Attachment(models.Model):
    """An income certificate, a medical bill…: a PDF, JPEG or PNG checked by its content."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("file"), on_delete=models.CASCADE,
                             related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    stored = models.FileField(storage=private_storage, upload_to="hardship/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class Campaign(models.Model):
    """A four-seasons campaign (四季送): a season's deliveries of one organizer, with a budget."""

    season = models.CharField(_("season"), max_length=8, choices=Season.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    organizer = models.ForeignKey("organizations.Organization", verbose_name=_("organizer"),
                                  on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("budget"), **MONEY)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("four-seasons campaign")
        verbose_name_plural = _("four-seasons campaigns")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0, budget__lt=ABSURD_AMOUNT), name="campaign_budget"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="campaign_year"),
        ]

    def __str__(self):
        return self.name


class CampaignAllocation(models.Model):
    """A county's share of a campaign's budget, reconciled against what was delivered there."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allocations")
    county = models.ForeignKey("organizations.Organization", verbose_name=_("county/district"),
                               on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("budget"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "county"], name="allocation_one_per_county"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="allocation_budget"),
        ]


class CampaignRecipient(models.Model):
    """Somebody a campaign delivers to: a household with an active file or, for summer
    cooling, an outdoor or new-sector worker without one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    file = models.ForeignKey(HardshipFile, verbose_name=_("file"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("union organization"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    worker_note = models.CharField(_("outdoor or new-sector work"), max_length=100, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), default=Decimal(0), **MONEY)
    goods = models.CharField(_("goods or services"), max_length=200, blank=True)
    record = models.OneToOneField("AssistanceRecord", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="campaign_recipient")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "file"], condition=Q(file__isnull=False),
                                    name="recipient_file_once_per_campaign"),
            models.CheckConstraint(condition=Q(amount__gte=0, amount__lt=ABSURD_AMOUNT), name="recipient_amount"),
        ]


class AssistanceRecord(models.Model):
    """Assistance given to a household with an active file (帮扶救助): money or goods."""

    Status = RecordStatus

    file = models.ForeignKey(HardshipFile, verbose_name=_("file"), on_delete=models.PROTECT,
                             related_name="records")
    kind = models.CharField(_("kind"), max_length=20, choices=AssistanceKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), default=Decimal(0), **MONEY)
    goods = models.CharField(_("goods or services"), max_length=200, blank=True)
    given_on = models.DateField(_("date"))
    fund_source = models.CharField(_("fund source"), max_length=16, choices=FundSource.choices)
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="records")
    # The recorder's organization: money above the threshold waits for a level above it.
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("recorded by union"),
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=RecordStatus.choices,
                              default=RecordStatus.APPROVED)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = _user_fk(_("approved by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0, amount__lt=ABSURD_AMOUNT),
                                   name="record_amount_not_negative"),
            models.CheckConstraint(condition=Q(amount__gt=0) | ~Q(goods=""), name="record_money_or_goods"),
        ]
        indexes = [
            models.Index(fields=["file", "status"], name="record_file_status_idx"),
            # Totals per period: a year's given records.
            models.Index(fields=["given_on"], condition=Q(status="approved"), name="record_given_on_idx"),
        ]

    def __str__(self):
        return f"{self.file} {self.get_kind_display()}"


class Visit(models.Model):
    """A home visit (走访慰问) and what was found; problems raised are tracked one by one."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("household"), on_delete=models.PROTECT,
                             related_name="visits")
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=200)
    findings = models.TextField(_("what was found"))
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on"], name="visit_visited_on_idx")]


class VisitProblem(models.Model):
    """A problem a household raised on a visit: open → in progress → solved, with who and when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="problems")
    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="problems")
    description = models.CharField(_("problem"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices,
                              default=ProblemStatus.OPEN)
    due_on = models.DateField(_("to be solved by"))
    started_on = models.DateField(_("taken up on"), null=True, blank=True)
    started_by = _user_fk(_("taken up by"), null=True, blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    solved_by = _user_fk(_("solved by"), null=True, blank=True)
    resolution = models.CharField(_("how it was solved"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("visit problem")
        verbose_name_plural = _("visit problems")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="solved") | Q(solved_on__isnull=False, solved_by__isnull=False),
                                   name="problem_solved_has_date"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="problem_status_due_idx")]


class LegalAidCase(models.Model):
    """A legal aid case (法律援助) for a worker: the dispute, who handles it, how it ends."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("union organization"),
                                     on_delete=models.PROTECT, related_name="+")
    worker_name = models.CharField(_("worker"), max_length=50)
    worker_id_number = models.CharField(_("resident ID number"), max_length=18, blank=True,
                                        validators=[validate_resident_id])
    file = models.ForeignKey(HardshipFile, verbose_name=_("hardship file"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="legal_cases")
    dispute_kind = models.CharField(_("dispute"), max_length=20, choices=DisputeKind.choices)
    handler = models.CharField(_("handled by"), max_length=100)
    stage = models.CharField(_("stage"), max_length=16, choices=CaseStage.choices, default=CaseStage.ACCEPTED)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CaseOutcome.choices, blank=True)
    amount_recovered = models.DecimalField(_("amount recovered (yuan)"), default=Decimal(0), **MONEY)
    opened_on = models.DateField(_("accepted on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal aid case")
        verbose_name_plural = _("legal aid cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_recovered__gte=0, amount_recovered__lt=ABSURD_AMOUNT),
                                   name="legal_amount_not_negative"),
            models.CheckConstraint(condition=~Q(stage="closed") | Q(closed_on__isnull=False),
                                   name="legal_closed_has_date"),
        ]
        indexes = [models.Index(fields=["organization", "opened_on"], name="legal_org_opened_idx")]

    def __str__(self):
        return self.worker_name


class FollowUp(models.Model):
    """A check on an exited household 6 and 12 months on: has it slipped back (返困)?"""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the exit"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = _user_fk(_("by"), null=True, blank=True)
    slipped_back = models.BooleanField(_("slipped back into hardship"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["file", "due_on"], name="follow_up_once")]
