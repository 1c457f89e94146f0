"""The competitions app's fixed vocabularies (GLOSSARY "Competitions and events")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    KEY_PROJECT = "key_project", _("key-project competition")
    THEME = "theme", _("theme competition")
    SKILLS = "skills", _("skills competition")
    SPEECH = "speech", _("speech/knowledge contest")


class Level(models.TextChoices):
    CITY = "city", _("city level")
    COUNTY = "county", _("county level")
    ENTERPRISE = "enterprise", _("enterprise level")


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    FINISHED = "finished", _("finished")


# planned → running → finished, one step at a time.
NEXT_STATUS = {Status.PLANNED: Status.RUNNING, Status.RUNNING: Status.FINISHED}


class Criterion(models.TextChoices):
    """五比一创, the criteria the city scores key-project competitions on; other kinds are
    scored on one overall score."""

    SAFETY = "safety", _("safety (比安全)")
    QUALITY = "quality", _("quality (比质量)")
    PROGRESS = "progress", _("progress (比进度)")
    INNOVATION = "innovation", _("innovation (比创新)")
    MANAGEMENT = "management", _("management (比管理)")
    EXCELLENCE = "excellence", _("quality project (创优质工程)")
    OVERALL = "overall", _("score")


FIVE_COMPARE_ONE_CREATE = [
    Criterion.SAFETY, Criterion.QUALITY, Criterion.PROGRESS, Criterion.INNOVATION, Criterion.MANAGEMENT,
    Criterion.EXCELLENCE,
]
# The weights a new key-project competition starts with (percent, summing to 100).
DEFAULT_WEIGHTS = {"safety": 20, "quality": 20, "progress": 20, "innovation": 15, "management": 15, "excellence": 10}
MAX_SCORE = 100


class AwardGrade(models.TextChoices):
    FIRST = "first", _("first prize")
    SECOND = "second", _("second prize")
    THIRD = "third", _("third prize")
    EXCELLENT = "excellent", _("excellence award")


class HonorLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")
    CITY = "city", _("city")
    COUNTY = "county", _("county")


class EnterpriseLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("provincial")
    CITY = "city", _("city")
    COUNTY = "county", _("county")


class OutcomeKind(models.TextChoices):
    INNOVATION = "innovation", _("technical innovation")
    PATENT = "patent", _("patent")
    SUGGESTION = "suggestion", _("rationalization proposal")
    METHOD = "method", _("advanced operating method")
    OTHER = "other", _("other")
