"""The shared attachment checks (apps.core.attachments): the type comes from the content, and
each caller says which types it keeps — documents for files and rules, images for photos."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.core.attachments import DOCUMENTS, IMAGES, checked_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, format="PNG")
    return out.getvalue()


def test_documents_accept_a_pdf_and_images_refuse_it():
    assert checked_upload(SimpleUploadedFile("rules.pdf", PDF), allowed=DOCUMENTS).content_type == "application/pdf"
    with pytest.raises(ValidationError) as caught:
        checked_upload(SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg"), allowed=IMAGES)
    assert "JPEG and PNG images" in str(caught.value.message_dict["upload"])


def test_an_image_passes_both_and_is_written_again():
    kept = checked_upload(SimpleUploadedFile("会场.png", _png()), allowed=IMAGES)
    assert kept.content_type == "image/png" and kept.name == "会场.png"
    assert kept.storage_name.endswith(".png") and "会场" not in kept.storage_name


def test_a_renamed_executable_is_refused_whatever_its_name():
    with pytest.raises(ValidationError):
        checked_upload(SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200), allowed=IMAGES)
