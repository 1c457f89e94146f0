import pytest

from apps.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.employers.factories import EmployerFactory


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_b_staff(tree):
    return UserFactory(username="county_b", role=Role.COUNTY_STAFF, organization=tree.county_b)


@pytest.fixture
def employer_a(tree):
    return EmployerFactory(name="甲创新企业有限公司", county=tree.county_a, township=tree.township_a1,
                           covering_union=tree.union_a1a)


@pytest.fixture
def employer_b(tree):
    return EmployerFactory(name="丙创新企业有限公司", county=tree.county_b, covering_union=tree.union_b1)
