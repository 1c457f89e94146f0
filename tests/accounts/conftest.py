import pytest
from django.urls import reverse


@pytest.fixture
def login(client, password):
    """Log in through the real login form (axes and the login signals run), return the response."""

    def do(username, pw=None, **extra):
        return client.post(reverse("login"), {"username": username, "password": pw or password}, **extra)

    return do
