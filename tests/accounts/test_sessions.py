import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from apps.accounts.signals import LOGIN_AT_SESSION_KEY


def _redirected_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_time_is_stamped_at_login(client, login, branch_officer):
    before = time.time()
    login("branch_a1a")
    assert before <= client.session[LOGIN_AT_SESSION_KEY] <= time.time()


def _set_login_age(client, seconds):
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = time.time() - seconds
    session.save()


def test_session_ends_twelve_hours_after_login_however_active(client, login, branch_officer):
    login("branch_a1a")
    _set_login_age(client, settings.SESSION_MAX_LIFETIME_SECONDS + 1)
    assert _redirected_to_login(client.get(reverse("home")))
    page = client.get(reverse("login"))
    assert page.context["session_ended"] is True


def test_session_just_under_twelve_hours_still_works(client, login, branch_officer):
    login("branch_a1a")
    _set_login_age(client, settings.SESSION_MAX_LIFETIME_SECONDS - 60)
    assert client.get(reverse("home")).status_code == 200


def test_logged_in_session_without_login_stamp_is_ended(client, login, branch_officer):
    login("branch_a1a")
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()
    assert _redirected_to_login(client.get(reverse("home")))


def test_idle_limit_is_thirty_minutes_renewed_by_each_request(client, login, branch_officer):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login("branch_a1a")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_idle_session_past_its_expiry_is_anonymous(client, login, branch_officer):
    login("branch_a1a")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert _redirected_to_login(client.get(reverse("home")))


def test_a_session_renewed_in_the_last_minute_is_not_written_again(client, login, branch_officer,
                                                                    django_assert_max_num_queries):
    """Every page renewed (wrote) the session; one write a minute keeps the idle limit within
    a minute of 30 and saves every page a query (apps.core.middleware.recently_renewed)."""
    login("branch_a1a")
    key = client.session.session_key
    client.get(reverse("home"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)
    Session.objects.filter(session_key=key).update(expire_date=renewed - timedelta(seconds=30))
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == renewed - timedelta(seconds=30)  # not written
    Session.objects.filter(session_key=key).update(expire_date=renewed - timedelta(seconds=90))
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > renewed - timedelta(seconds=5)  # renewed
