"""In-app notifications, each possibly mirrored by one e-mail, and each user's e-mail choice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user: shown under the navbar's bell until read.

    `key` makes a reminder idempotent: (rule, object, period), e.g.
    "assistance.reverification_due:hardship_file:12:2027-03-01". A recipient holds at
    most one notification per non-empty key (database constraint), so a rule that runs
    twice, or a task that is retried, notifies once. The text is written when the
    notification is made, in the portal's language then."""

    class EmailState(models.TextChoices):
        NOT_WANTED = "", _("no e-mail")
        PENDING = "pending", _("to be sent")
        SENT = "sent", _("sent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # led by the (recipient, read_at, -id) index below
    )
    kind = models.CharField(_("kind"), max_length=64, blank=True)  # "assistance.file_submitted"
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # a path inside the portal
    key = models.CharField(_("reminder key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=16, choices=EmailState.choices, default=EmailState.NOT_WANTED, blank=True
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [
            # The bell's unread count and the list, newest first, per recipient.
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice of e-mail beside the in-app notification (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
