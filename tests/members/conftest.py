import pytest


@pytest.fixture
def login(client, password):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
