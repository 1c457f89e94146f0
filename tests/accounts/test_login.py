import logging
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

WRONG = "not-the-password-7431"


def test_login_page_is_the_standard_form_in_chinese_by_default(client, db, chinese_default):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.context["form"].__class__.__name__ == "AuthenticationForm"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="username"' in html and 'name="password"' in html


def test_valid_login_goes_home(login, branch_officer):
    response = login("branch_a1a")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logged_in_user_opening_login_goes_home(client, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("login"))["Location"] == reverse("home")


def test_logout_is_post_only_and_ends_the_session(client, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_lockout_after_five_failures_refuses_even_the_right_password(client, login, branch_officer, password):
    for _ in range(4):
        assert login("branch_a1a", WRONG).status_code == 200
    locked = login("branch_a1a", WRONG)
    assert locked.status_code == 429
    response = login("branch_a1a", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'id="locked-out-title"' in html
    assert response.context["cool_off_minutes"] == 30
    retry_at = response.context["retry_at"]
    assert timedelta(minutes=29) < retry_at - timezone.now() <= timedelta(minutes=30)
    assert retry_at.strftime("%H:%M") in html
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_lockout_is_per_username_and_address(login, branch_officer, sibling_officer):
    for _ in range(5):
        login("branch_a1a", WRONG)
    assert login("branch_a1b").status_code == 302  # other user, same address
    assert login("branch_a1a", REMOTE_ADDR="10.1.2.3").status_code == 302  # same user, other address


def test_lockout_ends_after_the_cool_off(login, branch_officer):
    for _ in range(5):
        login("branch_a1a", WRONG)
    assert login("branch_a1a").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert login("branch_a1a").status_code == 302


def test_lockout_still_holds_before_the_cool_off_ends(login, branch_officer):
    for _ in range(5):
        login("branch_a1a", WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert login("branch_a1a").status_code == 429


def test_every_attempt_is_recorded_in_the_database(login, branch_officer):
    login("branch_a1a", WRONG)
    login("branch_a1a")
    assert AccessFailureLog.objects.filter(username="branch_a1a", locked_out=False).count() == 1
    assert AccessLog.objects.filter(username="branch_a1a").count() == 1


def test_every_attempt_is_logged_without_the_password(login, branch_officer, password, caplog):
    with caplog.at_level(logging.INFO, logger="apps.accounts"):
        login("branch_a1a", WRONG)
        login("branch_a1a")
    ours = [r for r in caplog.records if r.name == "apps.accounts"]
    messages = [r.getMessage() for r in ours]
    assert any(m.startswith("login failed: username='branch_a1a'") for m in messages)
    assert any(m.startswith("login succeeded: user=branch_a1a") for m in messages)
    everything = caplog.text
    assert WRONG not in everything and password not in everything
