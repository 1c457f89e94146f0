"""Where attachments are kept: outside MEDIA_ROOT and the static files, so no URL serves
them (not even DEBUG's media serving); the only way to read one is the scoped view."""

import datetime
import os
import time

from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.PRIVATE_FILES_ROOT, read at every use (tests move it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):  # pragma: no cover - never asked: nothing serves this storage by URL
        raise NotImplementedError("private files are served by scoped views (apps.core.attachments.private_file_response)")


private_storage = PrivateStorage()


def _referenced_names() -> set[str]:
    """Every name a model's FileField on the private storage holds, found by introspection so
    that core names no app (assistance documents today, report files and photos later)."""
    names: set[str] = set()
    for model in django_apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.storage, PrivateStorage):
                names.update(model._default_manager.exclude(**{field.name: ""})
                             .values_list(field.name, flat=True).iterator(chunk_size=5000))
    return names


def sweep_orphans(*, older_than: datetime.timedelta) -> list[str]:
    """Delete kept files no row names any more, and return their names.

    A file is written before its row commits (the storage is not transactional), so a
    transaction that rolls back afterwards — a later check failing, a lost connection, a
    worker killed — leaves the file behind with no way to reach it. Only files older than
    `older_than` go: a file saved a moment ago may belong to a transaction still open."""
    root = private_storage.location
    if not os.path.isdir(root):
        return []
    cutoff = time.time() - older_than.total_seconds()
    referenced = _referenced_names()
    removed = []
    for directory, _dirs, files in os.walk(root):
        for filename in files:
            path = os.path.join(directory, filename)
            name = os.path.relpath(path, root).replace(os.sep, "/")
            if name not in referenced and os.path.getmtime(path) < cutoff:
                os.remove(path)
                removed.append(name)
    return sorted(removed)
