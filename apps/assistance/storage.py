"""Where attachments are kept: outside MEDIA_ROOT and the static files, so no URL serves
them (not even DEBUG's media serving); the only way to read one is the scoped view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.ASSISTANCE_FILES_ROOT, read at every use (tests move it)."""

    @property
    def base_location(self):
        return str(settings.ASSISTANCE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):  # pragma: no cover - never asked: nothing serves this storage by URL
        raise NotImplementedError("attachments are served by apps.assistance.views.attachment_download only")


private_storage = PrivateStorage()
