"""The benchmark on province data (issue 21): the sample's city is the county's city, not the
root; a province user times the dashboards (the province's, and one city picked) and nothing else."""

import random

import pytest
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.organizations.models import Organization
from bench.actors import make_actors, pick_sample
from bench.pages import PAGES, PROVINCE_PAGES, measure_pages, measured_by
from demo import members as demo
from demo.management.commands.seed_demo import DemoContext
from tests.conftest import build_tree
from tests.organizations.factories import OrganizationFactory


@pytest.fixture
def tree(db):
    province = OrganizationFactory(code="P", name="山东省总工会", kind=Organization.Kind.PROVINCE_FEDERATION)
    return build_tree(province)


@pytest.fixture
def members(tree):
    demo.seed(DemoContext(scale="small", rng=random.Random(7), out=BaseCommand()))


def test_sample_city_is_the_countys_city_and_the_province_is_known(members, tree):
    sample = pick_sample()
    assert sample.city == tree.city and sample.province.code == "P"
    actors = make_actors(sample, with_province=True)
    assert [(a.key, a.user.organization.code) for a in actors] == [
        ("city", "C"), ("county", sample.county.code), ("branch", sample.union.code), ("province", "P")]
    assert [a.key for a in make_actors(sample, prefix="other")] == ["city", "county", "branch"]


def test_province_user_times_the_dashboards_only_and_they_answer(members, tree, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    settings.SECURE_SSL_REDIRECT = False
    sample = pick_sample()
    assert {p.key for p in PAGES if measured_by(p, "province")} == PROVINCE_PAGES
    assert not measured_by(next(p for p in PAGES if p.key == "dashboard_city"), "city")
    with transaction.atomic():
        province = [a for a in make_actors(sample, with_province=True) if a.key == "province"]
        results = measure_pages(province, sample, repeats=1, warmup=0, say=lambda *_: None)
    assert sorted((r.page, r.status) for r in results) == sorted((key, "ok") for key in PROVINCE_PAGES)
