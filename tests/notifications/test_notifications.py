"""In-app notifications and their e-mail (issue 16 item 11): the one way every app reminds."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.urls import reverse

from apps.notifications import emails, services
from apps.notifications.models import Notification, NotificationPreference
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", email="clerk@example.org")


@pytest.fixture
def other(db):
    return UserFactory(username="other", email="other@example.org")


def test_notify_writes_one_notification_per_active_recipient(clerk, other):
    gone = UserFactory(is_active=False)
    ids = services.notify(recipients=[clerk, other.pk, gone], title="待审核", url="/assistance/")
    assert len(ids) == 2
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"clerk", "other"}


def test_a_keyed_notification_is_written_once_however_often_it_is_sent(clerk, other):
    first = services.notify(recipients=[clerk, other], title="复核到期", key="rule:file:1:2027-01-01")
    again = services.notify(recipients=[clerk, other], title="复核到期", key="rule:file:1:2027-01-01")
    later = services.notify(recipients=[clerk], title="复核到期", key="rule:file:1:2028-01-01")
    assert (len(first), again, len(later)) == (2, [], 1)
    assert Notification.objects.filter(recipient=clerk).count() == 2


def test_unkeyed_notifications_are_not_merged(clerk):
    services.notify(recipients=[clerk], title="a")
    services.notify(recipients=[clerk], title="a")
    assert Notification.objects.filter(recipient=clerk).count() == 2


def test_e_mail_goes_after_commit_once_through_djangos_backend(
    clerk, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notification_id,) = services.notify(recipients=[clerk], title="困难职工档案待审核", url="/assistance/files/1/")
    assert [m.to for m in mail.outbox] == [["clerk@example.org"]]
    assert mail.outbox[0].subject == "困难职工档案待审核" and "/assistance/files/1/" in mail.outbox[0].body
    assert emails.send_notification_email(notification_id=notification_id) is False  # sent already
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification_id).email_state == Notification.EmailState.SENT


def test_a_rolled_back_action_sends_no_e_mail(clerk, eager_celery, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        services.notify(recipients=[clerk], title="x")
        raise RuntimeError
    assert not callbacks and not mail.outbox and not Notification.objects.exists()


def test_a_user_who_turned_e_mail_off_gets_only_the_in_app_notification(
    clerk, other, eager_celery, django_capture_on_commit_callbacks
):
    services.set_email_preference(actor=clerk, enabled=False)
    no_address = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[clerk, other, no_address], title="x")
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert Notification.objects.filter(recipient=clerk, email_state="").exists()


def test_a_failed_send_is_retried_and_sends_once(clerk, eager_celery, monkeypatch, django_capture_on_commit_callbacks):
    real, calls = emails.send_mail, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPException("server busy")
        return real(**kwargs)

    monkeypatch.setattr(emails, "send_mail", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[clerk], title="x")
    assert len(calls) == 2 and len(mail.outbox) == 1


def test_the_bell_counts_only_my_unread_notifications(client, clerk, other):
    services.notify(recipients=[clerk], title="一")
    services.notify(recipients=[clerk], title="二")
    services.notify(recipients=[other], title="别人的")
    client.force_login(clerk)
    assert "2" in client.get(reverse("notifications:bell")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()
    assert "一" in page and "别人的" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, clerk):
    (pk,) = services.notify(recipients=[clerk], title="一", url="/assistance/files/7/")
    client.force_login(clerk)
    response = client.post(reverse("notifications:read", args=[pk]))
    assert response.status_code == 302 and response.url == "/assistance/files/7/"
    assert Notification.objects.get(pk=pk).read_at is not None
    assert client.get(reverse("notifications:bell")).content.decode().strip() == ""


def test_a_link_outside_the_portal_is_not_followed(client, clerk):
    (pk,) = services.notify(recipients=[clerk], title="一", url="https://evil.example/")
    client.force_login(clerk)
    assert client.post(reverse("notifications:read", args=[pk])).url == reverse("notifications:list")


def test_another_users_notification_is_not_found(client, clerk, other):
    (pk,) = services.notify(recipients=[other], title="一")
    client.force_login(clerk)
    assert client.post(reverse("notifications:read", args=[pk])).status_code == 404
    assert Notification.objects.get(pk=pk).read_at is None


def test_mark_all_read_and_the_e_mail_choice_are_the_users_own(client, clerk, other):
    services.notify(recipients=[clerk, other], title="一")
    client.force_login(clerk)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()
    client.post(reverse("notifications:preferences"), {"email_enabled": "0"})
    assert NotificationPreference.objects.get(user=clerk).email_enabled is False
    assert not NotificationPreference.objects.filter(user=other).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_and_bell_take_a_bounded_number_of_queries(client, clerk, django_assert_max_num_queries, size):
    for n in range(size):
        services.notify(recipients=[clerk], title=f"第{n}条")
    client.force_login(clerk)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("notifications:list")).status_code == 200
    with django_assert_max_num_queries(6):
        client.get(reverse("notifications:bell"))
