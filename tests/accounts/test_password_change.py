from django.urls import reverse


def _change(client, old, new):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_weak_password_is_refused(client, branch_officer, password):
    client.force_login(branch_officer)
    response = _change(client, password, "12345678")
    assert response.status_code == 200
    codes = {e.code for e in response.context["form"].errors.as_data()["new_password2"]}
    assert {"password_too_common", "password_entirely_numeric"} <= codes
    branch_officer.refresh_from_db()
    assert branch_officer.check_password(password)


def test_password_like_the_username_is_refused(client, branch_officer, password):
    client.force_login(branch_officer)
    response = _change(client, password, "branch_a1a1")
    assert response.status_code == 200 and response.context["form"].errors


def test_strong_password_is_accepted_and_session_kept(client, branch_officer, password):
    client.force_login(branch_officer)
    response = _change(client, password, "Yinque-Shan-2026!")
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    branch_officer.refresh_from_db()
    assert branch_officer.check_password("Yinque-Shan-2026!")


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))
