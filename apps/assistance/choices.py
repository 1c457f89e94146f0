"""The choices of the hardship files and everything recorded against them (GLOSSARY.md "Hardship assistance")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FileStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")  # waiting for the county's review
    REVIEWED = "reviewed", _("reviewed")  # waiting for the city's approval
    ACTIVE = "active", pgettext_lazy("hardship file", "active")
    REVERIFYING = "reverifying", _("under re-verification")  # waiting for the county
    EXITED = "exited", _("out of hardship")


# A household holds at most one file in these (hardship_one_open_file_per_household).
OPEN_STATUSES = (
    FileStatus.DRAFT, FileStatus.SUBMITTED, FileStatus.REVIEWED, FileStatus.ACTIVE, FileStatus.REVERIFYING,
)
# A file whose household is being helped: assistance may be given to it.
ASSISTED_STATUSES = (FileStatus.ACTIVE, FileStatus.REVERIFYING)


class Category(models.TextChoices):
    DEEP = "deep", _("deep hardship")
    RELATIVE = "relative", _("relative hardship")
    ACCIDENT = "accident", _("hardship from an accident")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("illness")
    DISABILITY = "disability", _("disability")
    UNEMPLOYMENT = "unemployment", _("unemployment")
    EDUCATION = "education", _("children's education")
    ACCIDENT = "accident", _("accident")
    DISASTER = "disaster", _("natural disaster")
    SINGLE_PARENT = "single_parent", _("single-parent household")
    OTHER = "other", _("other cause")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("brother or sister")
    GRANDCHILD = "grandchild", _("grandchild")
    OTHER = "other", _("other relative")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("healthy")
    CHRONIC = "chronic", _("chronic illness")
    SERIOUS = "serious", _("serious illness")
    DISABLED = "disabled", _("disabled")


class ExitReason(models.TextChoices):
    INCOME = "income", _("income above the standard")
    EMPLOYED = "employed", _("found work")
    RECOVERED = "recovered", _("recovered from illness")
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("head of household deceased")
    OTHER = "other", _("other reason")


class AssistanceKind(models.TextChoices):
    SPRING_JOBS = "spring_jobs", _("spring jobs")
    SUMMER_COOLING = "summer_cooling", _("summer cooling")
    AUTUMN_EDUCATION = "autumn_education", _("autumn education aid")
    WINTER_WARMTH = "winter_warmth", _("winter warmth")
    LIVING = "living", _("living assistance")
    MEDICAL = "medical", _("medical assistance")
    EDUCATION = "education", _("education assistance")
    LEGAL_AID = "legal_aid", _("legal aid")
    OTHER = "other", _("other assistance")


class Season(models.TextChoices):
    """The four seasons of 四季送; a record's season is that of its date (spring March–May,
    summer June–August, autumn September–November, winter December–February)."""

    SPRING = "spring", _("spring")
    SUMMER = "summer", _("summer")
    AUTUMN = "autumn", _("autumn")
    WINTER = "winter", _("winter")


SEASON_OF_MONTH = {3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer", 8: "summer",
                   9: "autumn", 10: "autumn", 11: "autumn", 12: "winter", 1: "winter", 2: "winter"}
CAMPAIGN_KIND = {
    Season.SPRING: AssistanceKind.SPRING_JOBS,
    Season.SUMMER: AssistanceKind.SUMMER_COOLING,
    Season.AUTUMN: AssistanceKind.AUTUMN_EDUCATION,
    Season.WINTER: AssistanceKind.WINTER_WARMTH,
}


class FundSource(models.TextChoices):
    UPPER_SUBSIDY = "upper_subsidy", _("upper-level subsidy")
    OWN_FUNDS = "own_funds", _("own union funds")
    SPECIAL_FUND = "special_fund", _("special fund")
    DONATION = "donation", _("social donation")


class RecordStatus(models.TextChoices):
    APPROVED = "approved", _("given")
    PENDING = "pending", _("waiting for approval")
    REJECTED = "rejected", _("refused")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    SOLVED = "solved", _("solved")


class DisputeKind(models.TextChoices):
    WAGES = "wages", _("wages owed")
    CONTRACT = "contract", _("labor contract")
    INJURY = "injury", _("work injury")
    SOCIAL_INSURANCE = "social_insurance", _("social insurance")
    OTHER = "other", _("other dispute")


class CaseStage(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    MEDIATION = "mediation", _("mediation")
    ARBITRATION = "arbitration", _("arbitration")
    LITIGATION = "litigation", _("litigation")
    CLOSED = "closed", _("closed")


class CaseOutcome(models.TextChoices):
    PENDING = "", _("not yet decided")
    WON = "won", _("won")
    SETTLED = "settled", _("settled")
    LOST = "lost", _("lost")
    WITHDRAWN = "withdrawn", _("withdrawn")


class AttachmentKind(models.TextChoices):
    INCOME = "income", _("income certificate")
    MEDICAL = "medical", _("medical bill")
    OTHER = "other", _("other document")
