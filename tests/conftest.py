"""Shared fixtures: a three-level tree with siblings, and one user per role.

    city (C)
    ├── county A (CA) ── township A1 (CA1) ── union A1a (CA1a), union A1b (CA1b)
    └── county B (CB) ── union B1 (CB1)
"""

from dataclasses import dataclass

import pytest

from apps.accounts.roles import Role
from apps.organizations.models import Organization
from tests.accounts.factories import DEMO_PASSWORD, UserFactory
from tests.organizations.factories import OrganizationFactory

K = Organization.Kind


@dataclass
class Tree:
    city: Organization
    county_a: Organization
    township_a1: Organization
    union_a1a: Organization
    union_a1b: Organization
    county_b: Organization
    union_b1: Organization


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


def build_tree(province: Organization | None = None) -> Tree:
    """The tree; with `province`, the city sits under that provincial federation (issue 21)."""
    city = OrganizationFactory(code="C", name="临沂市总工会", kind=K.CITY_FEDERATION, parent=province)
    county_a = OrganizationFactory(code="CA", name="兰山区总工会", kind=K.COUNTY_FEDERATION, parent=city)
    township_a1 = OrganizationFactory(code="CA1", name="银雀山街道总工会", kind=K.TOWNSHIP_FEDERATION, parent=county_a)
    union_a1a = OrganizationFactory(code="CA1a", name="甲公司工会", parent=township_a1)
    union_a1b = OrganizationFactory(code="CA1b", name="乙公司工会", parent=township_a1)
    county_b = OrganizationFactory(code="CB", name="罗庄区总工会", kind=K.COUNTY_FEDERATION, parent=city)
    union_b1 = OrganizationFactory(code="CB1", name="丙公司工会", parent=county_b)
    return Tree(city, county_a, township_a1, union_a1a, union_a1b, county_b, union_b1)


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def city_staff(tree):
    return UserFactory(username="city", role=Role.CITY_STAFF, organization=tree.city)


@pytest.fixture
def county_staff(tree):
    return UserFactory(username="county_a", role=Role.COUNTY_STAFF, organization=tree.county_a)


@pytest.fixture
def branch_officer(tree):
    return UserFactory(username="branch_a1a", role=Role.BRANCH_OFFICER, organization=tree.union_a1a)


@pytest.fixture
def sibling_officer(tree):
    return UserFactory(username="branch_a1b", role=Role.BRANCH_OFFICER, organization=tree.union_a1b)


@pytest.fixture
def leader(tree):
    return UserFactory(username="leader", role=Role.LEADER, organization=tree.county_a)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The test client and live_server speak plain HTTP; production keeps HTTPS on (settings.HTTPS)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


# Browser tests anywhere: `page` (a fresh Chromium context on a plain-HTTP live_server).
from tests.browser.fixtures import browser, live_server, page  # noqa: E402,F401


@pytest.fixture(autouse=True)
def _english_messages(request, settings):
    """Tests read messages in English, the source language in code, so their asserts don't
    depend on the zh_Hans catalogue's wording. A test that asks for `chinese_default`
    (tests/core/test_translations.py, the browser journey) keeps the portal's zh-hans default."""
    if "chinese_default" in request.fixturenames:
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def chinese_default():
    """Opt out of `_english_messages`: the interface language is the project's zh-hans default."""


@pytest.fixture
def tasks_in_process(django_capture_on_commit_callbacks):
    """Celery tasks run in this process as they are sent, once the transaction that sent
    them commits (what a worker would do, without a broker): `with tasks_in_process(): ...`."""
    from contextlib import contextmanager

    from unionportal.celery import app

    @contextmanager
    def run():
        previous = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager = app.conf.task_eager_propagates = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        finally:
            app.conf.task_always_eager, app.conf.task_eager_propagates = previous

    return run
