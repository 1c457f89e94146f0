"""Private file storage: outside MEDIA_ROOT and the static files, so no URL serves what it
holds (not even DEBUG's media serving); the only way to read a file is an app's scoped view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at the setting named `root_setting`, read at every use (tests
    move it). A subclass per app names its own setting (and keeps its migrations' path)."""

    root_setting = "PRIVATE_FILES_ROOT"

    @property
    def base_location(self):
        return str(getattr(settings, self.root_setting))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):  # pragma: no cover - never asked: nothing serves this storage by URL
        raise NotImplementedError(f"{type(self).__name__} files are served by their app's scoped view only")
