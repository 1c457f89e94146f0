from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveAccess(models.Model):
    """One read of protected data in full (an ID number shown, an unmasked export).

    Written by apps.core.privacy; never holds the protected value itself.
    """

    class Action(models.TextChoices):
        REVEAL = "reveal", _("showed in full")
        EXPORT_UNMASKED = "export_unmasked", _("exported unmasked")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    subject_type = models.CharField(_("record type"), max_length=64)  # "members.member"
    subject_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    subject_label = models.CharField(_("record"), max_length=200, blank=True)  # a name, never the number
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organization"), on_delete=models.PROTECT
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="core_access_subject_idx")]
