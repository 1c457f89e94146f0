from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_has_capability


class User(AbstractUser):
    """A portal user: one role, one organization; the organization's subtree is their scope."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A role without an organization would have no scope to work in.
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(organization__isnull=False),
                name="accounts_user_role_needs_organization",
            ),
        ]

    def clean(self):
        super().clean()
        # The database constraint holds the rule; this gives the form a message on the right field.
        if self.role and self.organization_id is None:
            raise ValidationError(
                {
                    "organization": _(
                        "A user with a role needs an organization: the role works inside its scope."
                    )
                }
            )

    def has_capability(self, capability: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return role_has_capability(self.role, capability)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser


class SensitiveAccess(models.Model):
    """One read of protected data in full (an ID number shown, an unmasked export).

    Written by services.record_sensitive_access; never holds the protected value itself.
    """

    class Action(models.TextChoices):
        REVEAL = "reveal", _("showed in full")
        EXPORT_UNMASKED = "export_unmasked", _("exported unmasked")
        # A search by a full ID number outside the user's scope (a transfer request):
        # nothing is shown, but who probed whom is worth knowing.
        ID_LOOKUP = "id_lookup", _("looked up by full ID number")

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
