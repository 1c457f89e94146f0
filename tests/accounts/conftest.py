import pytest
from django.urls import reverse


@pytest.fixture
def login(client, password):
    """Log in through the real login form (axes and the login signals run), return the response."""

    def do(username, pw=None, **extra):
        return client.post(reverse("login"), {"username": username, "password": pw or password}, **extra)

    return do


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # PBKDF2 costs ~0.3 s per login and the lockout tests log in a dozen times; hashing is Django's.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
