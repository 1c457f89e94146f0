import pytest

from apps.accounts.roles import Role
from tests.accounts.factories import UserFactory

from .factories import advance, living_standards, make_file


@pytest.fixture(autouse=True)
def _standards(tree):
    living_standards(tree.county_a, tree.county_b)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.ASSISTANCE_FILES_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_clerk_2(tree):
    return UserFactory(username="county_a2", role=Role.COUNTY_STAFF, organization=tree.county_a)


@pytest.fixture
def city_clerk_2(tree):
    return UserFactory(username="city2", role=Role.CITY_STAFF, organization=tree.city)


@pytest.fixture
def county_b_staff(tree):
    return UserFactory(username="county_b", role=Role.COUNTY_STAFF, organization=tree.county_b)


@pytest.fixture
def file_at(tree, branch_officer, county_staff, city_staff):
    """file_at("reviewed"): a file of union A1a walked to that status by its levels."""

    def _make(status, **overrides):
        file = make_file(branch_officer, tree.union_a1a, **overrides)
        return advance(file, status, officer=branch_officer, county=county_staff, city=city_staff)

    return _make


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
