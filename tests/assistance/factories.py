"""Hardship files made through the services, so every test file has passed the real rules
and its timeline is real. `file_at(status, ...)` walks the workflow to that status."""

import datetime
from decimal import Decimal

from apps.assistance import services
from apps.assistance.choices import Category, FileStatus
from apps.assistance.models import HardshipFile, LivingStandard
from tests.members.factories import id_number_for

STANDARD = Decimal("800.00")  # yuan per person per month


def living_standards(*counties, amount=STANDARD, since=datetime.date(2020, 1, 1)):
    for county in counties:
        LivingStandard.objects.get_or_create(county=county, effective_from=since,
                                             defaults={"monthly_amount": amount})


_n = [0]


def household_data(n: int | None = None, *, size: int = 3, income: str = "1800.00", **overrides) -> tuple[dict, list]:
    """A household of `size` people earning `income` a month (600 per head: deep hardship at 800)."""
    if n is None:
        _n[0] += 1
        n = 500_000 + _n[0]
    income = Decimal(income)
    data = {
        "head_name": "困难职工",
        "head_id_number": id_number_for(n),
        "head_phone": "13900001111",
        "employer_name": "甲机械厂",
        "address": "兰山区银雀山路1号",
        "category": "",
        "causes": ["illness"],
        "household_size": size,
        "monthly_income": income,
        "income_per_head": services.expected_income_per_head(income, size),
        "file_date": datetime.date(2026, 1, 15),
        "bank_name": "农业银行",
        "bank_account": "6228480012345678901",
    }
    per_head = data["income_per_head"]
    data["category"] = services.suggest_category(per_head, STANDARD) or Category.ACCIDENT
    if data["category"] == Category.ACCIDENT:
        data["category_reason"] = "车祸致困"
    data.update(overrides)
    household = [
        {"name": f"家属{chr(0x4e00 + i)}", "relation": "child", "id_number": "", "health": "healthy",
         "occupation": "学生"}
        for i in range(size - 1)
    ]
    return data, household


def make_file(officer, organization, **overrides) -> HardshipFile:
    data, household = household_data(**overrides)
    return services.create_file(actor=officer, organization=organization, data=data, household=household)


def advance(file: HardshipFile, to: str, *, officer, county, city) -> HardshipFile:
    """Walk a draft along the workflow to `to`, each step by its level."""
    steps = [
        (FileStatus.SUBMITTED, lambda f: services.submit_file(actor=officer, file=f, expected_version=f.version)),
        (FileStatus.REVIEWED, lambda f: services.review_file(actor=county, file=f, expected_version=f.version)),
        (FileStatus.ACTIVE, lambda f: services.approve_file(actor=city, file=f, expected_version=f.version)),
        (FileStatus.REVERIFYING, lambda f: services.submit_reverification(
            actor=officer, file=f, expected_version=f.version,
            data={"household_size": f.household_size, "monthly_income": f.monthly_income,
                  "income_per_head": f.income_per_head})),
    ]
    if to == FileStatus.DRAFT:
        return file
    for status, step in steps:
        file = step(file)
        if status == to:
            return file
    if to == FileStatus.EXITED:
        return services.exit_file(actor=county, file=file, expected_version=file.version, reason="income")
    raise ValueError(to)
