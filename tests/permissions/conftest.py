import pytest
from django.db import transaction

from apps.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.conftest import build_tree

from .world import World


@pytest.fixture(scope="module")
def _sweep_tree(django_db_setup, django_db_blocker):
    """The shared tree (tests/conftest.py), built once for the sweep's ~300 tests inside a
    transaction rolled back at the end of the module; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_tree()
        transaction.set_rollback(True)


@pytest.fixture
def tree(_sweep_tree, db):
    return _sweep_tree


@pytest.fixture(autouse=True)
def _fast_sweep(settings, tmp_path):
    # Users are made per test; PBKDF2 would cost ~0.3 s each. Uploads and exports go to tmp_path.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    settings.ASSISTANCE_FILES_ROOT = tmp_path / "private"
    settings.REPORT_FILES_ROOT = tmp_path / "reports"


@pytest.fixture
def county_b_staff(tree):
    """County staff one branch over: county A's rows are outside their scope."""
    return UserFactory(username="county_b", role=Role.COUNTY_STAFF, organization=tree.county_b)


@pytest.fixture
def county_b_city_clerk(tree):
    """City staff's role, attached to county B (as tests/organizations/test_ledger_lifecycle.py
    does): the city-only rights (merge, the access log) with a scope one branch over."""
    return UserFactory(username="county_b_city", role=Role.CITY_STAFF, organization=tree.county_b)


@pytest.fixture
def world(request, _sweep_tree, db) -> World:
    # Asking for _sweep_tree here (not only through `tree`, which the World reads lazily)
    # opens the module's transaction before this test's own savepoint, not inside it.
    return World(request)
