"""The demo ledger shows the federation's published figures, and a second run adds nothing."""

import random
from io import StringIO

from django.core.management.base import BaseCommand

from apps.employers.models import DemonstrationSite, Employer, WorkInstructor
from apps.employers.selectors import county_rate_table, demonstration_by_county
from demo import employers as ledger_demo
from demo import organizations as tree_demo
from demo.management.commands.seed_demo import DemoContext


def _ctx():
    command = BaseCommand(stdout=StringIO())
    return DemoContext(scale="small", rng=random.Random(7), out=command)


def _seed():
    ctx = _ctx()
    tree_demo.seed(ctx)
    ledger_demo.seed(ctx)
    return ctx


def test_demo_ledger_rates_counts_and_idempotence(db, superuser):
    _seed()
    counts = (Employer.objects.count(), WorkInstructor.objects.count(), DemonstrationSite.objects.count())
    codes = set(Employer.objects.values_list("social_credit_code", flat=True))
    _rows, total = county_rate_table(actor=superuser)
    assert total.brackets["50"].rate >= 99
    assert 91 <= total.brackets["25"].rate <= 95
    assert all(3 <= row["count"] <= 5 and row["met"] for row in demonstration_by_county(actor=superuser))
    assert 1500 <= counts[0] <= 3000
    _seed()
    assert (
        Employer.objects.count(),
        WorkInstructor.objects.count(),
        DemonstrationSite.objects.count(),
    ) == counts
    assert set(Employer.objects.values_list("social_credit_code", flat=True)) == codes
