import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import Role


def _add(client, **fields):
    strong = "Strong-Pass-2026!"
    data = {"username": "new_officer", "usable_password": "true", "password1": strong, "password2": strong}
    data.update(fields)
    return client.post(reverse("admin:accounts_user_add"), data)


def test_superuser_creates_a_user_with_role_and_organization(client, superuser, tree):
    client.force_login(superuser)
    response = _add(client, role=Role.BRANCH_OFFICER, organization=tree.union_a1a.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_officer")
    assert (user.role, user.organization) == (Role.BRANCH_OFFICER, tree.union_a1a)


def test_role_without_organization_is_refused_with_a_clear_message(client, superuser, tree):
    client.force_login(superuser)
    response = _add(client, role=Role.COUNTY_STAFF)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "needs an organization" in errors["organization"][0]
    assert not User.objects.filter(username="new_officer").exists()


def test_model_clean_names_the_organization_field(db):
    with pytest.raises(ValidationError) as exc:
        User(username="x", role=Role.LEADER).clean()
    assert "organization" in exc.value.message_dict


def _change_data(user, **overrides):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "role": user.role,
        "organization": user.organization_id or "",
        "phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_superuser_changes_role_and_organization(client, superuser, branch_officer, tree):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[branch_officer.pk])
    data = _change_data(branch_officer, role=Role.COUNTY_STAFF, organization=tree.county_a.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    branch_officer.refresh_from_db()
    assert (branch_officer.role, branch_officer.organization) == (Role.COUNTY_STAFF, tree.county_a)


def test_disabling_in_admin_ends_the_users_sessions(client, superuser, branch_officer):
    officer_client = Client()
    officer_client.force_login(branch_officer)
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[branch_officer.pk])
    response = client.post(url, _change_data(branch_officer, is_active=None))
    assert response.status_code == 302, response.context["adminform"].form.errors
    branch_officer.refresh_from_db()
    assert branch_officer.is_active is False
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(branch_officer.pk) not in remaining
    assert str(superuser.pk) in remaining


def test_disable_action_ends_sessions_of_selected_users(client, superuser, branch_officer, sibling_officer):
    Client().force_login(branch_officer)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [branch_officer.pk]},
    )
    assert response.status_code == 302
    assert list(User.objects.filter(is_active=False)) == [branch_officer]
    assert str(branch_officer.pk) not in [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]


def test_non_superuser_cannot_open_user_admin(client, city_staff):
    client.force_login(city_staff)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302  # to the admin login: not staff
