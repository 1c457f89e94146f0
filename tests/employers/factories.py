import datetime

import factory

from apps.core.validators import credit_code_check_char
from apps.employers.models import DemonstrationSite, Employer, WorkInstructor


def credit_code(n: int, region: str = "371302") -> str:
    """A valid unified social credit code (GB 32100-2015 check character) numbered n."""
    first17 = f"91{region}{n:09d}"
    return first17 + credit_code_check_char(first17)


class EmployerFactory(factory.django.DjangoModelFactory):
    """Pass county= (and covering_union= for a covered employer)."""

    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    social_credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    headcount = 30
    industry = "C"
    ownership = "private"


class WorkInstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkInstructor

    name = factory.Sequence(lambda n: f"指导员{n}")
    started_on = datetime.date(2025, 3, 1)


class DemonstrationSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemonstrationSite

    level = DemonstrationSite.Level.COUNTY
    year_named = 2025
    demonstrates = "党建带工建"
