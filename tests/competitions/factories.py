"""Competitions test data, built through the services (so every row obeys their rules)."""

import datetime
from decimal import Decimal

from apps.competitions import services
from apps.competitions.models import HonorKind, SpecialFund

YEAR = 2026
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def competition_data(**overrides) -> dict:
    data = {"name": "沂蒙建功重点工程劳动竞赛", "kind": "key_project", "level": "city",
            "starts_on": datetime.date(YEAR, 3, 1), "ends_on": datetime.date(YEAR, 11, 30), "rules": "五比一创"}
    data.update(overrides)
    return data


def make_competition(actor, host, *, start=False, **overrides):
    competition = services.create_competition(actor=actor, host=host, data=competition_data(**overrides))
    if start:
        competition = services.advance_competition(actor=actor, competition=competition)
    return competition


def honor_kind(code: str = "model_worker") -> HonorKind:
    return HonorKind.objects.get(code=code)


def make_fund(owner, budget: str = "2000000.00") -> SpecialFund:
    return SpecialFund.objects.create(name="全员创新企业专项资金", owner=owner, budget=Decimal(budget))
