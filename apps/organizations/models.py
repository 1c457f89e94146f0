from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Codes appear in URLs, files and the materialized path, so they are kept plain.
code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
    _("Use letters, digits, '-' or '_' (at most 32 characters)."),
)

PATH_SEPARATOR = "/"


class Organization(models.Model):
    """A node of the union tree: (province →) city → county → township/industry → grassroots.

    The tree is a materialized path of codes ("/3713/371302/37130201/"): "this node
    and everything under it" is one range scan on the C-collated unique index of
    `path` (`path LIKE '/3713/371302/%'`), with no recursive query and no extension
    (ltree is not in every PostgreSQL we fall back to). Codes are stable, so paths
    only change when a node moves, which rewrites the subtree in one UPDATE.
    """

    class Kind(models.TextChoices):
        # Above the cities when a province runs one portal for all of them (issue 21).
        PROVINCE_FEDERATION = "province_federation", _("provincial federation of trade unions")
        CITY_FEDERATION = "city_federation", _("city federation of trade unions")
        COUNTY_FEDERATION = "county_federation", _("county/district federation")
        TOWNSHIP_FEDERATION = "township_federation", _("township/street federation")
        INDUSTRY_FEDERATION = "industry_federation", _("industry union federation")
        REGIONAL_FEDERATION = "regional_federation", _("regional union federation")
        GRASSROOTS = "grassroots", _("grassroots union")
        JOINT_GRASSROOTS = "joint_grassroots", _("joint grassroots union")
        VILLAGE = "village", _("village/community union")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        MERGED = "merged", _("merged")
        DISSOLVED = "dissolved", _("dissolved")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The county/district federation the node lies in (itself for a county node,
    # empty for the city and the province): lets lists filter and group by county without the tree.
    county = models.ForeignKey(
        "self",
        verbose_name=_("county/district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    path = models.CharField(max_length=400, unique=True, editable=False, db_collation="C")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "updated_at"])

    class Meta:
        verbose_name = _("union organization")
        verbose_name_plural = _("union organizations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["county", "kind"], name="org_county_kind_idx"),
            models.Index(fields=["parent", "name"], name="org_parent_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("pk")),
                name="org_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def build_path(parent_path: str | None, code: str) -> str:
        return (parent_path or PATH_SEPARATOR) + code + PATH_SEPARATOR

    def set_path_from_parent(self) -> None:
        """Derive path/depth/county from the parent. Services call this before saving."""
        parent = self.parent
        self.path = self.build_path(parent.path if parent else None, self.code)
        self.depth = parent.depth + 1 if parent else 0
        if self.kind == self.Kind.COUNTY_FEDERATION:
            # An unsaved county cannot point at itself yet; the service sets it after insert.
            self.county = self if self.pk else None
        elif parent is not None:
            self.county = parent.county if parent.kind != self.Kind.COUNTY_FEDERATION else parent
        else:
            self.county = None

    def is_ancestor_of(self, other: "Organization") -> bool:
        return other.path.startswith(self.path)


class OrganizationChange(models.Model):
    """Who merged or dissolved an organization, when and why (the history survives the node)."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("merged")
        DISSOLVED = "dissolved", _("dissolved")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("union organization"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    target = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed_changes",
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    employers_moved = models.PositiveIntegerField(_("employers moved"), default=0)
    children_moved = models.PositiveIntegerField(_("organizations moved"), default=0)
    # What other apps moved along (e.g. {"members": 120}); filled by their hooks.
    extra = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("organization change")
        verbose_name_plural = _("organization changes")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="dissolved") | models.Q(target__isnull=False),
                name="org_change_merge_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()}"
