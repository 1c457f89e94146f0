import pytest

from tests.employers.factories import EmployerFactory

from .factories import EventFactory


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts from none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(tree, branch_officer):
    return EventFactory(organization=tree.union_a1a, created_by=branch_officer)


@pytest.fixture
def employer(tree):
    return EmployerFactory(county=tree.county_a, township=tree.township_a1, covering_union=tree.union_a1a)
