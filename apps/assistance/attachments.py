"""The checks every attachment passes before it is kept (issue 16 item 10).

- Its type is read from its content (the `filetype` library's signatures), never from its
  name or the browser's Content-Type: an executable renamed .pdf is refused.
- PDF, JPEG and PNG only; at most ASSISTANCE_ATTACHMENT_MAX_BYTES.
- Images are decoded and written again by Pillow, which drops their metadata (EXIF with
  the place and the phone that took it) and anything appended after the image data.
- The stored name is random; the clerk's file name is kept for display only.
"""

import io
import os
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Pillow refuses images over its own limit (decompression bombs); this one is ours, lower.
MAX_PIXELS = 40_000_000


@dataclass
class CheckedUpload:
    name: str
    content_type: str
    content: bytes

    @property
    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}.{ALLOWED[self.content_type]}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


def _display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"/|?*')
    return cleaned[:200] or "document"


def _reencode(content: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large (more than 40 million pixels)."), code="too_large")
            image.load()
            out = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image cannot be read; it may be damaged."), code="unreadable") from exc
    return out.getvalue()


def checked_upload(upload) -> CheckedUpload:
    """The upload's bytes as they will be kept, or a ValidationError a clerk understands."""
    limit = settings.ASSISTANCE_ATTACHMENT_MAX_BYTES
    if upload is None:
        raise ValidationError({"upload": _("Choose a file.")})
    if upload.size > limit:
        raise ValidationError({"upload": ValidationError(
            _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}, code="too_large"
        )})
    content = b"".join(upload.chunks())
    if not content:
        raise ValidationError({"upload": ValidationError(_("The file is empty."), code="empty")})
    kind = filetype.guess(content)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED:
        raise ValidationError({"upload": ValidationError(
            _("Only PDF, JPEG and PNG documents are accepted; this file's content is not one of them."),
            code="file_type",
        )})
    if content_type != "application/pdf":
        try:
            content = _reencode(content, content_type)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.error_list}) from exc
    return CheckedUpload(name=_display_name(upload.name), content_type=content_type, content=content)
