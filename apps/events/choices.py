"""The words of events and hazards (GLOSSARY.md "Competitions and events")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("lecture")  # 宣讲报告会
    PARTY_LESSON = "party_lesson", _("Party lesson")  # 党课
    SPEECH_CONTEST = "speech_contest", _("speech contest")  # 演讲比赛
    LEGAL_LECTURE = "legal_lecture", _("legal lecture")  # 普法讲座
    SAFETY_TRAINING = "safety_training", _("safety training")  # 安全培训
    JOB_FAIR = "job_fair", _("job fair")  # 招聘会
    CULTURE = "culture", _("culture activity")  # 文化活动
    OTHER = "other", _("other event")


class Mode(models.TextChoices):
    OFFLINE = "offline", _("on site")  # 线下
    ONLINE = "online", _("live stream")  # 网络直播
    HYBRID = "hybrid", _("on site and live stream")  # 线上线下


class TargetGroup(models.TextChoices):
    AGENCIES = "agencies", _("into agencies")  # 进机关
    COMMUNITIES = "communities", _("into communities")  # 进社区
    ENTERPRISES = "enterprises", _("into enterprises")  # 进企业
    SCHOOLS = "schools", _("into schools")  # 进学校


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Severity(models.TextChoices):
    GENERAL = "general", _("general hazard")  # 一般隐患
    MAJOR = "major", _("major hazard")  # 重大隐患


class HazardState(models.TextChoices):
    """Derived, never stored: what the hazard list filters by."""

    OPEN = "open", _("open")
    OVERDUE = "overdue", _("overdue")
    RECTIFIED = "rectified", _("rectified, not verified")
    VERIFIED = "verified", _("verified")
