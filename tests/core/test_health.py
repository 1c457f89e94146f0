"""/healthz/ without a worker: anonymous, JSON, 503 naming what is down, reachable over plain HTTP."""

import time

import pytest


@pytest.fixture
def redis_down(settings):
    # Port 1 on localhost: nothing listens, the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL


def test_healthz_answers_503_naming_redis_and_celery_when_redis_is_down(db, client, redis_down):
    started = time.monotonic()
    response = client.get("/healthz/", secure=True)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "database": "ok",
        "redis": "error: ConnectionError",
        "celery": "error: broker unreachable",
    }
    assert time.monotonic() - started < 5


def test_healthz_needs_no_login_and_is_not_cached(db, client, redis_down):
    response = client.get("/healthz/", secure=True)

    assert response.status_code == 503  # not a redirect to the login page
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_not_redirected_to_https(db, client, settings, redis_down):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/").status_code == 503
    assert client.get("/accounts/login/").status_code == 301  # everything else still is


def test_healthz_refuses_writes(db, client):
    assert client.post("/healthz/", secure=True).status_code == 405
