"""Attachments (issue 16 item 10): PDF/JPEG/PNG by content, size-limited, images re-encoded
without metadata, kept outside the static files and media, served only through a scoped view."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.assistance import services
from apps.assistance.choices import FileStatus
from apps.assistance.models import Attachment

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = "HomeAddress-35.1N-118.3E"  # ImageDescription: where it was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _add(user, file, content, name="收入证明.pdf", kind="income"):
    return services.add_attachment(actor=user, file=file, kind=kind,
                                   upload=SimpleUploadedFile(name, content, content_type="application/pdf"))


def test_a_pdf_is_kept_outside_media_with_a_random_name(settings, file_at, branch_officer):
    file = file_at(FileStatus.DRAFT)
    attachment = _add(branch_officer, file, PDF)
    assert attachment.content_type == "application/pdf" and attachment.original_name == "收入证明.pdf"
    path = attachment.stored.path
    assert path.startswith(str(settings.ASSISTANCE_FILES_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    assert "收入证明" not in path
    assert file.events.filter(action="attached").exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"\x7fELF\x02\x01\x01" + b"\0" * 200, "报告.pdf"), (b"MZ\x90\x00\x03" + b"\0" * 200, "invoice.pdf"),
     (b"<html><script>alert(1)</script></html>", "bill.png"), (b"PK\x03\x04" + b"\0" * 100, "scan.jpg"),
     (b"", "empty.pdf")],
)
def test_anything_but_pdf_jpeg_png_is_refused_by_its_content_whatever_its_name(file_at, branch_officer, content, name):
    file = file_at(FileStatus.DRAFT)
    with pytest.raises(ValidationError):
        _add(branch_officer, file, content, name=name)
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings, file_at, branch_officer):
    settings.ASSISTANCE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        _add(branch_officer, file_at(FileStatus.DRAFT), PDF + b"0" * 2000)
    assert refused.value.error_dict["upload"][0].code == "too_large"
    assert not Attachment.objects.exists()


def test_a_photo_is_re_encoded_without_its_metadata(file_at, branch_officer):
    original = _jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry EXIF
    attachment = _add(branch_officer, file_at(FileStatus.DRAFT), original + b"TRAILING-SECRET", name="bill.jpg")
    kept = attachment.stored.read()
    attachment.stored.close()
    assert attachment.content_type == "image/jpeg"
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert b"PhoneMaker" not in kept and b"HomeAddress" not in kept and b"TRAILING-SECRET" not in kept


def test_the_download_is_scoped_and_sent_as_an_attachment(file_at, branch_officer, sibling_officer, client):
    attachment = _add(branch_officer, file_at(FileStatus.DRAFT), PDF)
    url = reverse("assistance:attachment_download", args=[attachment.pk])
    client.force_login(sibling_officer)
    assert client.get(url).status_code == 404
    client.force_login(branch_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
