"""The annual statistical return (统计年报): the year's return the city opens, one row per
grassroots-level union (its form), and every correction made by a level above.

A unit's figures are columns (one per apps.reports.return_figures.FIGURES), so the city's
sum of confirmed figures is one grouped SUM; what they were pre-filled with at opening
(`prefilled`) and last year's figures the tolerance check compares with (`baseline`) are
kept beside them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .return_checks import DEFAULT_MODES, DEFAULT_TOLERANCE


def _default_modes():
    return dict(DEFAULT_MODES)


class StatisticalReturn(models.Model):
    """One year's return, opened by the city federation for every unit in its tree."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("opened for"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    tolerance_percent = models.PositiveSmallIntegerField(_("year-over-year tolerance (%)"), default=DEFAULT_TOLERANCE)
    # check code → "warn" | "block" (apps.reports.return_checks.CHECKS)
    check_modes = models.JSONField(_("checks"), default=_default_modes)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    unit_count = models.PositiveIntegerField(_("units"), default=0)

    class Meta:
        verbose_name = _("annual statistical return")
        verbose_name_plural = _("annual statistical returns")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(tolerance_percent__lte=1000), name="return_tolerance_range")]

    def __str__(self):
        return str(_("Annual statistical return %(year)d") % {"year": self.year})


class ReturnUnit(models.Model):
    """One grassroots-level union's form in one year's return."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        SAVED = "saved", _("saved, not confirmed")
        CONFIRMED = "confirmed", _("confirmed")

    statistical_return = models.ForeignKey(StatisticalReturn, verbose_name=_("return"), on_delete=models.CASCADE,
                                           related_name="units", db_index=False)  # led by the unique key
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("union organization"),
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    employees = models.PositiveIntegerField(pgettext_lazy("return figure", "employees"), null=True, blank=True)
    members = models.PositiveIntegerField(pgettext_lazy("return figure", "members"), null=True, blank=True)
    regular = models.PositiveIntegerField(pgettext_lazy("return figure", "members: employees"), null=True, blank=True)
    migrant = models.PositiveIntegerField(pgettext_lazy("return figure", "members: migrant workers"), null=True, blank=True)
    new_employment = models.PositiveIntegerField(pgettext_lazy("return figure", "members: new-employment-form workers"), null=True, blank=True)
    dispatched = models.PositiveIntegerField(pgettext_lazy("return figure", "members: dispatched workers"), null=True, blank=True)
    women_members = models.PositiveIntegerField(pgettext_lazy("return figure", "women members"), null=True, blank=True)
    new_members = models.PositiveIntegerField(pgettext_lazy("return figure", "new members in the year"), null=True, blank=True)
    committee_members = models.PositiveIntegerField(pgettext_lazy("return figure", "union committee members"), null=True, blank=True)
    note = models.TextField(_("explanation"), blank=True)
    # The live figures the form was pre-filled with when the return was opened.
    prefilled = models.JSONField(_("pre-filled figures"), default=dict)
    # What the tolerance check compares with: last year's confirmed figures (baseline_year
    # set), else last year's live figures as the kept counts give them (baseline_year empty).
    baseline = models.JSONField(_("last year's figures"), default=dict)
    baseline_year = models.PositiveSmallIntegerField(_("last year's confirmed return"), null=True, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return unit")
        verbose_name_plural = _("return units")
        ordering = ["statistical_return", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["statistical_return", "organization"], name="return_unit_once"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False), name="return_unit_confirmed_at"),
        ]
        indexes = [
            # The unit list filtered by status, and the counts per status.
            models.Index(fields=["statistical_return", "status"], name="return_unit_status_idx"),
        ]

    def __str__(self):
        return f"{self.statistical_return.year} {self.organization}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class ReturnCorrection(models.Model):
    """A figure of a unit corrected by a federation above it: who, when, old → new, why."""

    unit = models.ForeignKey(ReturnUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="corrections")
    figure = models.CharField(_("figure"), max_length=32)
    old_value = models.PositiveIntegerField(_("old value"), null=True, blank=True)
    new_value = models.PositiveIntegerField(_("new value"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return correction")
        verbose_name_plural = _("return corrections")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="return_correction_has_reason")]

    @property
    def figure_label(self) -> str:
        from .return_figures import figure_label

        return figure_label(self.figure)
