"""Where attachments are kept: private storage under ASSISTANCE_FILES_ROOT; the only way to
read one is the scoped view (apps.assistance.views.attachment_download)."""

from apps.core.storage import PrivateStorage as _PrivateStorage


class PrivateStorage(_PrivateStorage):
    """Attachments' storage (the name its migration names)."""

    root_setting = "ASSISTANCE_FILES_ROOT"


private_storage = PrivateStorage()
