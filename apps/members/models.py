"""The membership roll (会员) and membership transfers (会员转会), issue 4.

Sized for the reference city's 856,000 members: every index below names the query it
serves. One person holds one membership at a time across the city (active or
retained); the database refuses a second one, earlier memberships stay as rows with
other statuses, and simple-history keeps who changed what and when.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Reverse
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.validators import validate_phone, validate_resident_id


class NameBigrams(models.Func):
    """member_name_bigrams(name): the two-character pieces of a name (SQL, migrations 0004 and 0007)."""

    function = "member_name_bigrams"
    output_field = ArrayField(models.TextField())


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class PoliticalStatus(models.TextChoices):
    """GB/T 4762-1984 政治面貌代码 has thirteen values; the eight democratic parties (its codes
    04-11) are kept as one value, as the union counts them (apps.members.choice_words
    accepts each party's name for it)."""

    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("probationary CPC member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("member of a democratic party")
    NON_PARTY = "non_party", _("non-party personage")
    MASSES = "masses", _("masses")


class Education(models.TextChoices):
    """The level of education a roster states, as precisely as it states it.

    Rosters say "研究生" without saying master or doctorate, and "初中及以下" without saying
    which: those are values of their own (POSTGRADUATE, JUNIOR_HIGH_OR_BELOW), never a
    guess at the finer one. Every value falls in exactly one of the union's statistical
    groups (EDUCATION_GROUPS); apps.members.choice_words maps the GB/T 4658-2006 names
    and the clerks' short forms onto these values.
    """

    PRIMARY = "primary", _("primary school or below")
    JUNIOR_HIGH = "junior_high", _("junior high school")
    JUNIOR_HIGH_OR_BELOW = "junior_high_or_below", _("junior high school or below")
    SENIOR_HIGH = "senior_high", _("senior high school / technical secondary school")
    JUNIOR_COLLEGE = "junior_college", _("junior college")
    BACHELOR = "bachelor", _("bachelor's degree")
    POSTGRADUATE = "postgraduate", _("postgraduate")
    MASTER = "master", _("master's degree")
    DOCTORATE = "doctorate", _("doctorate")


# The union's annual statistics count members by education in five groups, 研究生 /
# 大学本科 / 大学专科 / 高中、中专 / 初中及以下; each group is named by the value whose label
# is the group's name. Count a group with education__in=EDUCATION_GROUPS[group].
EDUCATION_GROUPS: dict[str, tuple[str, ...]] = {
    Education.POSTGRADUATE: (Education.POSTGRADUATE, Education.MASTER, Education.DOCTORATE),
    Education.BACHELOR: (Education.BACHELOR,),
    Education.JUNIOR_COLLEGE: (Education.JUNIOR_COLLEGE,),
    Education.SENIOR_HIGH: (Education.SENIOR_HIGH,),
    Education.JUNIOR_HIGH_OR_BELOW: (Education.JUNIOR_HIGH_OR_BELOW, Education.JUNIOR_HIGH, Education.PRIMARY),
}


class WorkerCategory(models.TextChoices):
    REGULAR = "regular", _("employee")
    MIGRANT = "migrant", _("migrant worker")
    NEW_EMPLOYMENT = "new_employment", _("new-employment-form worker")
    DISPATCHED = "dispatched", _("dispatched worker")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RETAINED = "retained", _("retained")
    TRANSFERRED_OUT = "transferred_out", _("transferred out")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DECEASED = "deceased", _("deceased")


# The statuses that hold "the" membership of a person; at most one row per ID number.
CURRENT_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RETAINED)


def id_number_is(id_number: str) -> Exact:
    """Filter condition "this ID number, any status", answered by member_id_suffix_idx:
    reverse(id_number) = the reversed number. Use it (not id_number=) where earlier
    memberships count too; current ones are found by id_number= with the current statuses."""
    return Exact(Reverse("id_number"), id_number[::-1])


class Member(models.Model):
    """One membership of one person in one union organization."""

    Status = MemberStatus

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # Normalized by apps.core.validators.normalize_resident_id: 18 characters, upper-case X.
    id_number = models.CharField(_("resident ID number"), max_length=18, validators=[validate_resident_id])
    # Both derived from id_number by the services; kept as columns to filter and sort on.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[validate_phone])
    # A GB 3304-1991 name as apps.members.choice_words.ETHNICITY_WORDS writes it ("汉族").
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=32, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField(_("education"), max_length=32, choices=Education.choices, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("union organization"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # led by the (organization, status) index below
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    worker_category = models.CharField(
        _("worker category"), max_length=32, choices=WorkerCategory.choices, default=WorkerCategory.REGULAR
    )
    card_number = models.CharField(_("member card number"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # History is read per member (its id); indexes on the copied foreign keys would only
    # slow every bulk write of history rows.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["organization", "employer"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organization_id", "name", "id"]
        constraints = [
            # DESIGN.md: one membership at a time across the city. Earlier memberships
            # keep their rows with transferred_out/withdrawn/deceased, outside the index.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(status__in=["active", "retained"]),
                name="member_one_current_membership",
            ),
            models.CheckConstraint(
                condition=models.Q(sex__in=["M", "F"]),
                name="member_sex_valid",
            ),
        ]
        indexes = [
            # The list's main path: a union's (or a subtree's unions') members by status.
            # Scope is "organization in subtree", resolved as organization_id IN (...).
            models.Index(fields=["organization", "status"], name="member_org_status_idx"),
            # The list's default page, "a union's current members, newest first": in id order
            # per union, so LIMIT 26 reads 26 entries. A union's members arrive together (one
            # roster upload), so walking the primary key instead threw away up to 778k rows
            # (docs/PERFORMANCE.md: 604 ms → 0.5 ms on the city data).
            models.Index(
                fields=["organization", "-id"],
                condition=models.Q(status__in=["active", "retained"]),
                name="member_org_current_id_idx",
            ),
            # Name search is "contains" (a clerk types part of a name): a trigram GIN index
            # answers LIKE '%...%' for three or more characters. The database is C.UTF-8,
            # in which pg_trgm does take CJK characters as word characters.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="member_name_trgm_idx"),
            # Chinese names are mostly two or three characters, and LIKE '%王芳%' has no
            # trigram to look up: two-character searches use the name's bigrams instead
            # (member_name_bigrams() is created in migration 0004; a functional index,
            # so bulk loads by COPY need no extra column).
            GinIndex(NameBigrams("name"), name="member_name_bigram_idx"),
            # "Last 4-6 characters of the ID" (what a member reads out on the phone): an
            # index on reverse(id_number) with text_pattern_ops turns the suffix into a
            # prefix, so 4, 5 or 6 trailing characters are one range scan each
            # (reverse(id_number) LIKE '4321%'). A right(id_number, 6) index would only
            # serve exactly 6; a stored reversed column would cost 18 bytes a row and
            # a second source of truth. The same index answers the exact ID search across
            # every status (id_number_is below); current memberships are found through the
            # partial unique index. A third index on id_number would cost every roster
            # upload ~0.4 s per 100,000 rows for nothing (docs/PERFORMANCE.md).
            models.Index(OpClass(Reverse("id_number"), name="text_pattern_ops"), name="member_id_suffix_idx"),
            # "Joined between" filters and sorting by join date.
            models.Index(fields=["joined_on"], name="member_joined_on_idx"),
            # The dashboard's "joined in a month / range" over current members: an index-only
            # range (the id included for COUNT(id)), ~40,000 entries a year for the city
            # instead of one heap page per member (224 ms → 33 ms at city scale, cold cache).
            models.Index(
                fields=["joined_on", "organization"],
                include=["id"],
                condition=models.Q(status__in=["active", "retained"]),
                name="member_current_joined_idx",
            ),
            # Age ranges are birth_date ranges.
            models.Index(fields=["birth_date"], name="member_birth_date_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


class Transfer(models.Model):
    """A request to move a membership from one union to another (会员组织关系接转).

    Requested by either side and decided by the other one: its union or a clerk above it
    (apps.members.services.can_decide_transfer). A clerk whose scope covers both unions
    may decide either kind, and `decided_across_sides` records it. At most one pending
    transfer per member.
    """

    class Side(models.TextChoices):
        SENDING = "sending", _("sending union")
        RECEIVING = "receiving", _("receiving union")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("from union"),
        on_delete=models.PROTECT,
        related_name="outgoing_transfers",
    )
    to_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("to union"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    initiated_by_side = models.CharField(_("requested by side"), max_length=16, choices=Side.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The membership row created in the receiving union when the transfer is confirmed;
    # the original row stays in the sending union as "transferred out".
    resulting_member = models.OneToOneField(
        Member,
        verbose_name=_("new membership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_in",
    )
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    # True when the decider's scope covered the side that asked as well (a county or city
    # clerk above both unions): the one case where a side's own request is decided by it.
    decided_across_sides = models.BooleanField(_("decided by a clerk above both unions"), default=False)

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organization=models.F("to_organization")),
                name="transfer_between_two_unions",
            ),
        ]
        indexes = [
            # Incoming / outgoing lists of a union, pending first.
            models.Index(fields=["to_organization", "status"], name="transfer_to_status_idx"),
            models.Index(fields=["from_organization", "status"], name="transfer_from_status_idx"),
            # The lists are newest first and a clerk's "all" tab reads the latest 200: along
            # this index they stop there instead of sorting every transfer in scope (the small
            # demo with 200,000 synthetic transfers: city 660 ms → 5 ms, county 190 ms → 6 ms);
            # the overdue queue reads its range (requested before the cut-off).
            models.Index(fields=["-requested_at", "-id"], name="transfer_requested_idx"),
        ]

    def __str__(self):
        return f"{self.member} → {self.to_organization}"

    @property
    def requesting_organization(self):
        """The union of the side that asked."""
        return self.from_organization if self.initiated_by_side == self.Side.SENDING else self.to_organization

    @property
    def deciding_organization(self):
        """The union of the side that decides: the other one."""
        return self.to_organization if self.initiated_by_side == self.Side.SENDING else self.from_organization

    @property
    def deciding_side(self) -> "Transfer.Side":
        return self.Side.RECEIVING if self.initiated_by_side == self.Side.SENDING else self.Side.SENDING


class MemberExport(models.Model):
    """A member export too large to write during the request: written by a Celery task
    (apps.members.tasks) and downloadable by its requester only (it holds personal data)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")  # its file deleted after EXPORT_FILE_KEEP_DAYS

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # The member list's query string; never holds a full ID number (the filter refuses one).
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    unmasked = models.BooleanField(_("unmasked"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows"), default=0)  # written so far, while it runs
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/members/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member export")
        verbose_name_plural = _("member exports")
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)


class OrganizationMemberCount(models.Model):
    """The member figures of one union organization, kept as the roll changes (issue 15).

    One row per organization and `joined_year`: the row with joined_year = ALL_YEARS (0)
    holds the organization's current members (active, retained, and the same members by
    worker category); the row for year Y holds those of them who joined in Y. "Joined this
    year" is the row of the current year, so a year rollover needs no job: on 1 January the
    figure is the new year's row, already exact. Members without a joining date count in
    the ALL_YEARS row only.

    Why this shape:
    - Pages read figures, never the 860,000-row roll (Zulip's `analytics` count tables):
      a subtree's figure is the sum of its organizations' ALL_YEARS rows, one range of
      member_count_year_org_idx joined to the tree's path index — at most ~11,000 rows for
      the city, whatever the number of members.
    - Counted per organization, not per subtree: a roster commit changes one organization's
      rows, so two clerks committing into sibling unions never touch the same row (no lock
      waits, no deadlocks), and a merge that moves a subtree changes no figure of the nodes
      it moves. The path is joined from Organization, not copied here: a merge rewrites
      descendants' paths in the organizations app, which knows nothing of this table.
    - Columns, not one row per figure: every page shows several figures of the same
      organizations, and one upsert per write keeps them all.
    - Exact, not periodic (where Zulip's counts are minutes stale): apps.members.counts, the
      only writer, changes these rows in the same transaction as every write to the roll
      (services, roster commit, merge), set-based; `manage.py recount_members` recomputes
      them from the members, reports drift and repairs it, nightly through beat.
    - Stored year-major (the fill writes rows in (joined_year, organization) order, the
      table keeps 30 % of each page free so updates stay on their page): the city's ALL_YEARS
      rows lie on ~150 pages instead of one per page of the table (2,400 pages).
    Signed integers on purpose: a figure never refuses a write to the roll; drift is found
    and repaired by the recount.
    """

    ALL_YEARS = 0

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("union organization"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # led by the unique (organization, joined_year) index
    )
    joined_year = models.PositiveSmallIntegerField(_("joining year"))
    active = models.IntegerField(_("active"), default=0)
    retained = models.IntegerField(_("retained"), default=0)
    # The current (active + retained) members by worker category; they sum to active + retained.
    regular = models.IntegerField(_("employee"), default=0)
    migrant = models.IntegerField(_("migrant worker"), default=0)
    new_employment = models.IntegerField(_("new-employment-form worker"), default=0)
    dispatched = models.IntegerField(_("dispatched worker"), default=0)

    FIGURES = ("active", "retained", "regular", "migrant", "new_employment", "dispatched")

    class Meta:
        verbose_name = _("member count")
        verbose_name_plural = _("member counts")
        constraints = [
            # The key every write upserts on (ON CONFLICT), and one organization's rows.
            models.UniqueConstraint(fields=["organization", "joined_year"], name="member_count_org_year"),
        ]
        indexes = [
            # A subtree's figure: the ALL_YEARS rows (or one year's) of the subtree's
            # organizations, hashed against the organizations found by path; without it the
            # city's sum reads every year's rows (~30 per union).
            models.Index(fields=["joined_year", "organization"], name="member_count_year_org_idx"),
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.joined_year}"

    @property
    def current(self) -> int:
        return self.active + self.retained
