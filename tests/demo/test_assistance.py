"""The assistance step of seed_demo: files in every state, each with a timeline that led there."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from apps.assistance.choices import FileStatus
from apps.assistance.models import AssistanceRecord, FileEvent, HardshipFile, LegalAidCase, Visit
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def test_the_small_demo_has_files_in_every_state_and_the_demo_branch_union_too(seeded):
    assert set(HardshipFile.objects.values_list("status", flat=True)) == set(FileStatus.values)
    branch_union = HardshipFile.objects.filter(organization__users__username="branch_officer")
    assert set(branch_union.values_list("status", flat=True)) == set(FileStatus.values)


def test_every_seeded_file_ends_its_timeline_where_it_stands(seeded):
    for file in HardshipFile.objects.all():
        event = file.events.order_by("-at", "-id").first()  # the timeline's order (selectors.file_timeline)
        assert event is not None and event.to_status == file.status, file.pk
        assert file.version == file.events.count()


def test_help_reaches_only_files_that_were_approved(seeded):
    assert AssistanceRecord.objects.exists() and Visit.objects.exists() and LegalAidCase.objects.count() == 30
    assert not AssistanceRecord.objects.filter(file__approved_at__isnull=True).exists()
    for record in AssistanceRecord.objects.select_related("file"):
        assert record.given_on >= record.file.approved_at.date(), record.pk


def test_the_demo_users_find_their_reminders_and_a_second_run_adds_nothing(seeded):
    assert Notification.objects.filter(recipient__username="county_staff").exists()
    counts = (HardshipFile.objects.count(), FileEvent.objects.count(), Notification.objects.count())
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    assert (HardshipFile.objects.count(), FileEvent.objects.count(), Notification.objects.count()) == counts


def test_no_household_holds_two_open_files(seeded):
    open_heads = HardshipFile.objects.exclude(status="exited").values("head_id_number").annotate(n=Count("id"))
    assert not open_heads.filter(n__gt=1).exists()
