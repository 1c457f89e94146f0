"""Two payments from the special fund at once cannot overspend it (issue 17 item 4).

Each clerk runs in its own thread (its own connection and transaction, as two gunicorn
workers). The first locks the fund's row and holds its transaction open; the second waits
for that lock, then sees the first payment and is refused with what remains."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.competitions import services
from apps.competitions.models import FundPayment
from tests.assistance.test_concurrency import _race
from tests.competitions.factories import YEAR, make_fund

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_payments_at_once_never_overspend_the_fund(city_staff, tree, employer_a, employer_b):
    fund = make_fund(tree.city, "2000000.00")
    one = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city",
                                              year_named=YEAR, granted="1200000")
    two = services.name_innovation_enterprise(actor=city_staff, employer=employer_b, level="city",
                                              year_named=YEAR, granted="800000")
    fund.budget = Decimal("1500000.00")  # lowered after the grants: only the ledger's lock keeps it
    fund.save()
    day = datetime.date(YEAR, 6, 1)
    results = _race(
        lambda: services.record_fund_payment(actor=city_staff, enterprise=one, amount="1000000", paid_on=day),
        lambda: services.record_fund_payment(actor=city_staff, enterprise=two, amount="800000", paid_on=day),
    )
    assert isinstance(results["first"], FundPayment)
    refusal = results["second"]
    assert isinstance(refusal, ValidationError), refusal
    assert "500000.00 yuan left" in " ".join(refusal.message_dict["amount"])
    assert results["second_done"] >= results["first_committed"]
    assert FundPayment.objects.count() == 1
    assert services.fund_position(fund)["paid"] == Decimal("1000000.00")


def test_two_last_awards_at_once_respect_the_quota(city_staff, tree):
    from tests.competitions.factories import make_competition

    competition = make_competition(city_staff, tree.city, start=True)
    a = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a, name="甲")
    b = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1b, name="乙")
    services.advance_competition(actor=city_staff, competition=competition)
    services.set_award_quota(actor=city_staff, competition=competition, county=tree.county_a, quota=1)
    results = _race(lambda: services.give_award(actor=city_staff, team=a, grade="first"),
                    lambda: services.give_award(actor=city_staff, team=b, grade="first"))
    assert isinstance(results["second"], ValidationError)
    assert competition.teams.exclude(award="").count() == 1
