"""Discarding a draft (a file started for the wrong person, or twice).

The national assistance system keeps every decision on a file (全国总工会《关于做好困难职工
帮扶工作的意见》: records are kept for audit); a draft nobody above the union has seen holds no
decision, so its union may throw it away. Once submitted, a file is returned or closed, never
deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.assistance import services
from apps.assistance.choices import FileStatus
from apps.assistance.models import FileEvent, HardshipFile, HouseholdMember
from apps.core.storage import private_storage

from .factories import advance

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_never_submitted_draft_goes_with_its_household_and_documents(
    file_at, branch_officer, django_capture_on_commit_callbacks
):
    file = file_at(FileStatus.DRAFT)
    attachment = services.add_attachment(actor=branch_officer, file=file, kind="income",
                                         upload=SimpleUploadedFile("证明.pdf", PDF))
    name = attachment.stored.name
    file.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        head = services.discard_draft(actor=branch_officer, file=file, expected_version=file.version)
    assert head == file.head_name
    assert not HardshipFile.objects.filter(pk=file.pk).exists()
    assert not HouseholdMember.objects.filter(file_id=file.pk).exists()
    assert not FileEvent.objects.filter(file_id=file.pk).exists()
    assert not private_storage.exists(name)


def test_a_file_returned_to_draft_keeps_its_record(file_at, branch_officer, county_staff):
    file = file_at(FileStatus.SUBMITTED)
    services.reject_file(actor=county_staff, file=file, expected_version=file.version, reason="收入证明不全")
    file.refresh_from_db()
    assert file.status == FileStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        services.discard_draft(actor=branch_officer, file=file, expected_version=file.version)
    assert refused.value.code == "out_of_order"
    assert HardshipFile.objects.filter(pk=file.pk).exists()


def test_a_stale_page_or_another_union_cannot_discard(file_at, branch_officer, sibling_officer):
    from django.http import Http404

    file = file_at(FileStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.discard_draft(actor=branch_officer, file=file, expected_version=file.version - 1)
    with pytest.raises(Http404):
        services.discard_draft(actor=sibling_officer, file=file, expected_version=file.version)
    assert HardshipFile.objects.filter(pk=file.pk).exists()


def test_the_page_offers_it_only_on_a_fresh_draft_and_the_button_deletes(
    file_at, branch_officer, county_staff, tree, login
):
    client = login(branch_officer)
    draft = file_at(FileStatus.DRAFT)
    page = client.get(reverse("assistance:file_detail", args=[draft.pk])).content.decode()
    assert 'id="file-discard"' in page
    submitted = advance(file_at(FileStatus.DRAFT), FileStatus.SUBMITTED,
                        officer=branch_officer, county=county_staff, city=None)
    assert 'id="file-discard"' not in client.get(reverse("assistance:file_detail", args=[submitted.pk])).content.decode()

    response = client.post(reverse("assistance:file_discard", args=[draft.pk]), {"version": draft.version},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("assistance:file_list")
    assert not HardshipFile.objects.filter(pk=draft.pk).exists()
    assert "discarded" in response.content.decode()


def test_a_visited_draft_is_kept_for_the_visit(file_at, branch_officer):
    import datetime

    from apps.assistance import services_aid

    file = file_at(FileStatus.DRAFT)
    services_aid.record_visit(actor=branch_officer, file=file,
                              data={"visited_on": datetime.date(2026, 1, 5), "visitors": "王强", "findings": "屋顶漏雨"},
                              problems=[])
    file.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.discard_draft(actor=branch_officer, file=file, expected_version=file.version)
    assert refused.value.code == "has_work"
    assert HardshipFile.objects.filter(pk=file.pk).exists()
