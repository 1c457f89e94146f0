"""Where generated report files are kept: private storage under REPORT_FILES_ROOT, read only
through the scoped download view (apps.reports.views.report_download)."""

from apps.core.storage import PrivateStorage


class ReportStorage(PrivateStorage):
    root_setting = "REPORT_FILES_ROOT"


report_storage = ReportStorage()
