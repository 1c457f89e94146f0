"""The competitions step of seed_demo (issue 17 item 7): a few of each, every row within the
rules the services enforce, and a second run writes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from apps.competitions.models import (
    AwardQuota,
    Competition,
    FundPayment,
    Honor,
    InnovationEnterprise,
    Participation,
    Score,
    SpecialFund,
    Team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def test_the_small_demo_has_a_few_of_each(seeded):
    assert set(Competition.objects.values_list("kind", flat=True)) == {"key_project", "theme", "skills", "speech"}
    assert set(Competition.objects.values_list("status", flat=True)) == {"planned", "running", "finished"}
    assert Score.objects.exists() and Honor.objects.exists()
    assert set(InnovationEnterprise.objects.values_list("level", flat=True)) == {"provincial", "city", "county"}
    speech = Competition.objects.get(kind="speech")
    assert speech.participations.aggregate(n=Sum("counted_people"))["n"] >= 5_000


def test_seeded_rows_keep_the_services_rules(seeded):
    assert not Score.objects.filter(value__gt=100).exists() and not Score.objects.filter(value__lt=0).exists()
    for team in Team.objects.exclude(award="").select_related("organization"):
        quota = AwardQuota.objects.get(competition=team.competition_id, county=team.organization.county_id).quota
        given = Team.objects.filter(competition=team.competition_id, organization__county=team.organization.county_id
                                    ).exclude(award="").count()
        assert given <= quota
        assert team.competition.status == "finished"
    fund = SpecialFund.objects.get()
    assert FundPayment.objects.aggregate(s=Sum("amount"))["s"] <= fund.budget
    assert InnovationEnterprise.objects.aggregate(s=Sum("granted"))["s"] <= fund.budget
    # the small demo leaves room in the fund, so a clerk trying it can name one more enterprise
    assert InnovationEnterprise.objects.aggregate(s=Sum("granted"))["s"] < fund.budget
    for team in Team.objects.select_related("competition__host", "organization"):
        assert team.organization.path.startswith(team.competition.host.path)
    assert not Participation.objects.values("competition", "organization").annotate(n=Count("id")).filter(n__gt=1)


def test_a_second_run_writes_nothing(seeded):
    before = (Competition.objects.count(), Honor.objects.count(), FundPayment.objects.count())
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    assert (Competition.objects.count(), Honor.objects.count(), FundPayment.objects.count()) == before
