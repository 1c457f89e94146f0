"""Employer ledger (单位台账), work instructors and demonstration sites (issue 3).

The tables were created by the `organizations` app and keep their rows: migration
employers 0001 takes the models over in Django's state only, 0002 renames the tables.

Scope of an employer (see selectors.employers_visible_to): an employer is visible when
its county, its township or its covering union lies in the user's subtree. County staff
therefore see their county's employers; a branch officer sees the employers their union
(or a union under it) covers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.validators import normalize_credit_code

# The organization kinds that can cover (be the union of) an employer.
COVERING_KINDS = ("grassroots", "joint_grassroots")


class Industry(models.TextChoices):
    """Sections A–T of the national industry classification (GB/T 4754-2017)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water production and supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and information technology services")
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organizations")
    T = "T", _("International organizations")


class Ownership(models.TextChoices):
    STATE_OWNED = "state_owned", _("state-owned")
    COLLECTIVE = "collective", _("collective")
    PRIVATE = "private", _("private")
    FOREIGN_FUNDED = "foreign_funded", _("foreign-funded (incl. Hong Kong, Macao, Taiwan)")
    PUBLIC_INSTITUTION = "public_institution", _("public institution")
    GOVERNMENT_AGENCY = "government_agency", _("government agency")
    SOCIAL_ORGANIZATION = "social_organization", _("social organization")
    INDIVIDUAL_BUSINESS = "individual_business", _("individual business")
    OTHER = "other", _("other")


class NewSectorKind(models.TextChoices):
    COURIER = "courier", _("courier")
    FOOD_DELIVERY = "food_delivery", _("food delivery")
    RIDE_HAILING = "ride_hailing", _("ride-hailing")
    FREIGHT = "freight", _("freight")
    INTERNET_PLATFORM = "internet_platform", _("internet platform")
    SOCIAL_ORGANIZATION = "social_organization", _("social organization")
    LAW_FIRM = "law_firm", _("law firm")
    ACCOUNTING_FIRM = "accounting_firm", _("accounting firm")
    PROPERTY_MANAGEMENT = "property_management", _("property management")
    OTHER = "other", _("other")


class Employer(models.Model):
    """An employer unit of the ledger; covered when `covering_union` is set.

    The establishment rate (rates.py) counts active employers only, reads headcount
    from `headcount`, and calls an employer covered when `covering_union` is set.
    """

    class Status(models.TextChoices):
        # Own contexts: an employer is 正常 (as the upload template writes it), a member 在册.
        ACTIVE = "active", pgettext_lazy("employer status", "active")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=200)
    # Stored normalized (upper case, no spaces); NULL when unknown, so "unique when present".
    social_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    county = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("county/district"),
        on_delete=models.PROTECT,
        related_name="county_employers",
        limit_choices_to={"kind": "county_federation"},
        db_index=False,  # led by the (county, status, headcount) index below
    )
    township = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("township/street"),
        on_delete=models.PROTECT,
        related_name="township_employers",
        null=True,
        blank=True,
        limit_choices_to={"kind": "township_federation"},
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    ownership = models.CharField(_("ownership"), max_length=32, choices=Ownership.choices, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    is_new_sector = models.BooleanField(_("new sector"), default=False)
    new_sector_kind = models.CharField(
        _("new sector kind"), max_length=32, choices=NewSectorKind.choices, blank=True
    )
    covering_union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("covering union"),
        on_delete=models.PROTECT,
        related_name="covered_employers",
        null=True,
        blank=True,
        limit_choices_to={"kind__in": COVERING_KINDS},
    )
    union_established_on = models.DateField(_("union established on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("employer unit")
        verbose_name_plural = _("employer units")
        ordering = ["county_id", "name", "id"]
        indexes = [
            # The rate query groups by county over active employers and filters on headcount
            # brackets; the list filters by county and sorts by name.
            models.Index(fields=["county", "status", "headcount"], name="employer_rate_idx"),
            models.Index(fields=["county", "name"], name="employer_county_name_idx"),
            models.Index(
                fields=["county", "new_sector_kind"],
                name="employer_new_sector_idx",
                condition=models.Q(is_new_sector=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_new_sector=True) | models.Q(new_sector_kind=""),
                name="employer_kind_only_when_new_sector",
            ),
            models.CheckConstraint(
                condition=~models.Q(social_credit_code=""),
                name="employer_credit_code_null_not_blank",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_covered(self) -> bool:
        return self.covering_union_id is not None

    def clean(self):

        errors = {}
        if self.social_credit_code:
            try:
                self.social_credit_code = normalize_credit_code(self.social_credit_code)
            except ValidationError as exc:
                errors["social_credit_code"] = exc.messages
        else:
            self.social_credit_code = None
        if self.county_id and self.county.kind != "county_federation":
            errors["county"] = _("Choose a county/district federation.")
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            errors["township"] = _("The township/street must lie in the chosen county/district.")
        if self.covering_union_id and self.covering_union.kind not in COVERING_KINDS:
            errors["covering_union"] = _("Only a grassroots or joint grassroots union can cover an employer.")
        if self.new_sector_kind and not self.is_new_sector:
            self.is_new_sector = True
        if self.is_new_sector and not self.new_sector_kind:
            errors["new_sector_kind"] = _("Choose the kind of new sector.")
        if self.union_established_on and not self.covering_union_id:
            errors["union_established_on"] = _("A union establishment date needs a covering union.")
        if errors:
            raise ValidationError(errors)


class WorkInstructor(models.Model):
    """A cadre sent by a federation to guide unions in new-sector organizations (工会工作指导员)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("instructor status", "active")  # 在任
        ENDED = "ended", _("ended")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    sent_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="sent_instructors",
    )
    # The county/district the instructor works in: what "count per county" groups by.
    county = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("county/district"),
        on_delete=models.PROTECT,
        related_name="county_instructors",
        limit_choices_to={"kind": "county_federation"},
    )
    employers = models.ManyToManyField(
        Employer, verbose_name=_("assigned organizations"), blank=True, related_name="instructors",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work instructor")
        verbose_name_plural = _("work instructors")
        ordering = ["county_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="instructor_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class InstructorVisit(models.Model):
    instructor = models.ForeignKey(
        WorkInstructor, verbose_name=_("work instructor"), on_delete=models.CASCADE, related_name="visits"
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor_visits",
    )
    visited_on = models.DateField(_("visited on"))
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instructor visit")
        verbose_name_plural = _("instructor visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.instructor} {self.visited_on}"


class DemonstrationSite(models.Model):
    """A party–union co-construction demonstration site (党工共建示范点)."""

    class Level(models.TextChoices):
        CITY = "city", _("city level")
        COUNTY = "county", _("county level")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("union organization"),
        on_delete=models.PROTECT,
        related_name="demonstration_sites",
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    year_named = models.PositiveSmallIntegerField(_("year named"))
    demonstrates = models.TextField(_("what it demonstrates"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party–union co-construction demonstration site")
        verbose_name_plural = _("party–union co-construction demonstration sites")
        ordering = ["-year_named", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "level"], name="demo_site_one_per_level"),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_level_display()})"


class DemonstrationTarget(models.Model):
    """The number of demonstration sites the city expects per county.

    The row with no county is the city-wide default; a county row overrides it.
    Without any row the target is DEFAULT_MINIMUM–DEFAULT_MAXIMUM.
    """

    DEFAULT_MINIMUM = 3
    DEFAULT_MAXIMUM = 5

    county = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("county/district"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demonstration_target",
        limit_choices_to={"kind": "county_federation"},
    )
    minimum = models.PositiveSmallIntegerField(_("minimum"), default=DEFAULT_MINIMUM)
    maximum = models.PositiveSmallIntegerField(_("maximum"), default=DEFAULT_MAXIMUM)

    class Meta:
        verbose_name = _("demonstration site target")
        verbose_name_plural = _("demonstration site targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maximum__gte=models.F("minimum")), name="demo_target_min_le_max"
            ),
            # NULLs never collide in a unique index; coalescing them allows one default row only.
            models.UniqueConstraint(Coalesce("county", Value(0)), name="demo_target_one_default"),
        ]

    def __str__(self):
        return f"{self.county or _('default')}: {self.minimum}–{self.maximum}"
