from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from apps.accounts.services import deactivate_user


def _session_user_ids():
    return sorted(s.get_decoded().get("_auth_user_id") for s in Session.objects.all())


def test_disabled_user_is_anonymous_on_the_next_request(client, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("home")).status_code == 200
    type(branch_officer).objects.filter(pk=branch_officer.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deactivate_user_ends_all_their_sessions_and_no_one_elses(branch_officer, sibling_officer, superuser):
    first, second, other = Client(), Client(), Client()
    first.force_login(branch_officer)
    second.force_login(branch_officer)
    other.force_login(sibling_officer)

    ended = deactivate_user(user=branch_officer, by=superuser)

    assert ended == 2
    branch_officer.refresh_from_db()
    assert branch_officer.is_active is False
    assert _session_user_ids() == [str(sibling_officer.pk)]
    assert first.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200


def test_disabled_user_cannot_log_in(login, branch_officer, superuser):
    deactivate_user(user=branch_officer, by=superuser)
    response = login("branch_a1a")
    assert response.status_code == 200 and response.context["form"].errors
