"""Outreach events, their registrations and check-ins, kind-specific figures, the lecturer and
venue registries, the safety-hazard register (查保促) and calendar feeds (issue 18).

The database holds what it can: an event ends after it starts; figures are never negative
(PositiveIntegerField's check); a registration is once per member or user or (name, last 4)
per event; a registration checks in once (a unique check-in row, so two phones pressing
at the same moment count one); a hazard is not rectified before it was found.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.storage import private_storage

from .choices import EventKind, EventStatus, Mode, Severity, TargetGroup

_USER = settings.AUTH_USER_MODEL


def _user_fk(verbose, **kwargs):
    return models.ForeignKey(_USER, verbose_name=verbose, on_delete=models.PROTECT, related_name="+", **kwargs)


def _organization_fk(verbose=_("organizer"), **kwargs):
    return models.ForeignKey("organizations.Organization", verbose_name=verbose, on_delete=models.PROTECT,
                             related_name="+", **kwargs)


class Lecturer(models.Model):
    """A speaker of the registry, e.g. a member of the model-worker lecture group 沂蒙劳模宣讲团."""

    organization = _organization_fk(_("kept by"))
    name = models.CharField(_("name"), max_length=50)
    group = models.CharField(_("lecture group"), max_length=100, blank=True)
    title = models.CharField(_("title or honor"), max_length=200, blank=True)
    is_model_worker = models.BooleanField(_("model worker"), default=False)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name}（{self.group}）" if self.group else self.name


class Talk(models.Model):
    """A talk a lecturer gives (their repertoire); the events they spoke at are the record."""

    lecturer = models.ForeignKey(Lecturer, verbose_name=_("lecturer"), on_delete=models.CASCADE, related_name="talks")
    title = models.CharField(_("talk"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["lecturer", "title", "id"]
        constraints = [models.UniqueConstraint(fields=["lecturer", "title"], name="talk_once_per_lecturer")]

    def __str__(self):
        return self.title


class Venue(models.Model):
    """A place events are held, e.g. the workers' cultural palace (工人文化宫)."""

    organization = _organization_fk(_("kept by"))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Event(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organization = _organization_fk()
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="events")
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Where, when not a registry venue."))
    speakers = models.ManyToManyField(Lecturer, verbose_name=_("speakers"), blank=True, related_name="events")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    target_group = models.CharField(_("target group"), max_length=16, choices=TargetGroup.choices, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    # The organizer's own count of the audience on site; the check-ins replace it when used.
    reported_attendance = models.PositiveIntegerField(_("attendance (organizer's figure)"), null=True, blank=True)
    online_views = models.PositiveIntegerField(_("live-stream views"), null=True, blank=True)
    # Kept by check_in() in the same transaction as each new check-in row (never recounted per page).
    checkin_count = models.PositiveIntegerField(_("checked in"), default=0, editable=False)
    registration_open = models.BooleanField(_("registration open"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.PLANNED)
    report = models.TextField(_("report"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    held_recorded_by = _user_fk(_("held recorded by"), null=True, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["checkin_count", "updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=~Q(status=EventStatus.HELD) | ~Q(report=""),
                                   name="event_held_has_report"),
        ]
        indexes = [
            # The list and the calendar: one organizer's subtree, by time.
            models.Index(fields=["starts_at", "id"], name="event_starts_idx"),
            models.Index(fields=["organization", "starts_at"], name="event_org_starts_idx"),
            models.Index(fields=["status", "ends_at"], name="event_status_ends_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def uses_checkin(self) -> bool:
        return self.checkin_count > 0

    @property
    def attendance(self) -> int | None:
        """Audience on site: the check-ins where they were used, else the organizer's figure."""
        return self.checkin_count if self.checkin_count else self.reported_attendance

    @property
    def has_stream(self) -> bool:
        return self.mode in (Mode.ONLINE, Mode.HYBRID)

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class EventPhoto(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos")
    stored = models.FileField(storage=private_storage, upload_to="events/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]


class Registration(models.Model):
    """One person expected at an event: a member of the roll, a portal user registering
    themselves, or a person of a group the organizer registered (name and last 4 only).

    The check-in page matches name + the last 4 characters of the ID number or phone; only
    those four characters are kept here, never the whole number."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    user = models.ForeignKey(_USER, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    name = models.CharField(_("name"), max_length=50)
    id_last4 = models.CharField(_("last 4 of the ID number"), max_length=4, blank=True)
    phone_last4 = models.CharField(_("last 4 of the phone"), max_length=4, blank=True)
    group = models.CharField(_("group"), max_length=200, blank=True)
    registered_by = _user_fk(_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], condition=Q(member__isnull=False),
                                    name="registration_member_once"),
            models.UniqueConstraint(fields=["event", "user"], condition=Q(user__isnull=False),
                                    name="registration_user_once"),
            models.UniqueConstraint(fields=["event", "name", "id_last4"], condition=~Q(id_last4=""),
                                    name="registration_name_id_once"),
            models.UniqueConstraint(fields=["event", "name", "phone_last4"], condition=~Q(phone_last4=""),
                                    name="registration_name_phone_once"),
            models.CheckConstraint(condition=~Q(id_last4="") | ~Q(phone_last4=""), name="registration_has_last4"),
        ]
        indexes = [models.Index(fields=["event", "name"], name="registration_event_name_idx")]

    def __str__(self):
        return self.name


class CheckIn(models.Model):
    """A registration's arrival; unique per registration, so a second scan counts nothing."""

    registration = models.OneToOneField(Registration, verbose_name=_("registration"), on_delete=models.CASCADE,
                                        related_name="checkin")
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="checkins")
    at = models.DateTimeField(_("checked in at"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at", "id"]


class TrainingFigure(models.Model):
    """A safety training's sessions and trainees, often per employer (entered as counts)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="training_figures")
    employer = models.ForeignKey("employers.Employer", verbose_name=_("employer unit"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    sessions = models.PositiveIntegerField(_("sessions"))
    trainees = models.PositiveIntegerField(_("trainees"))

    class Meta:
        verbose_name = _("training figure")
        verbose_name_plural = _("training figures")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employer"], condition=Q(employer__isnull=False),
                                    name="training_figure_employer_once"),
            models.UniqueConstraint(fields=["event"], condition=Q(employer__isnull=True),
                                    name="training_figure_total_once"),
            models.CheckConstraint(condition=Q(sessions__gte=1), name="training_figure_a_session"),
        ]


class JobFairFigure(models.Model):
    """What a job fair achieved: employers, positions offered, applicants and hires."""

    event = models.OneToOneField(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="job_fair")
    employers = models.PositiveIntegerField(_("employers taking part"))
    positions = models.PositiveIntegerField(_("positions offered"))
    applicants = models.PositiveIntegerField(_("applicants"))
    hires = models.PositiveIntegerField(_("hires"))

    class Meta:
        verbose_name = _("job-fair figures")
        verbose_name_plural = _("job-fair figures")
        constraints = [models.CheckConstraint(condition=Q(hires__lte=F("applicants")),
                                              name="job_fair_hires_within_applicants")]


class Hazard(models.Model):
    """A safety hazard found at an employer (查保促: 查隐患, 保安全, 促发展) and its rectification."""

    organization = _organization_fk(_("recorded by union"))
    employer = models.ForeignKey("employers.Employer", verbose_name=_("employer unit"), on_delete=models.PROTECT,
                                 related_name="+")
    event = models.ForeignKey(Event, verbose_name=_("found during"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="hazards")
    found_on = models.DateField(_("found on"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    deadline = models.DateField(_("rectification deadline"))
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification = models.TextField(_("what was done"), blank=True)
    verified_by = _user_fk(_("verified by"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("found_on")), name="hazard_deadline_after_found"),
            models.CheckConstraint(condition=Q(rectified_on__isnull=True) | Q(rectified_on__gte=F("found_on")),
                                   name="hazard_rectified_after_found"),
            models.CheckConstraint(condition=Q(verified_on__isnull=True) | Q(rectified_on__isnull=False),
                                   name="hazard_verified_after_rectified"),
            models.UniqueConstraint(fields=["employer", "found_on", "place", "description"],
                                    name="hazard_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "found_on"], name="hazard_org_found_idx"),
            # The overdue queue and reminder: open hazards by deadline.
            models.Index(fields=["deadline"], condition=Q(rectified_on__isnull=True), name="hazard_open_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.place}: {self.description[:30]}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.rectified_on is None and self.deadline < today


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar address (.ics); a new token revokes the old address."""

    user = models.OneToOneField(_USER, verbose_name=_("user"), on_delete=models.CASCADE, related_name="event_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
