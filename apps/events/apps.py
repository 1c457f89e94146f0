from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"
    verbose_name = _("outreach events")

    def ready(self):
        from apps.imports.registry import UploadKind, register_upload_kind
        from apps.notifications.registry import register_reminder_rule

        from .importer import HAZARD_PREVIEW_COLUMNS, HazardImporter, write_hazard_template
        from .reminders import REMINDER_RULES

        for rule in REMINDER_RULES:
            register_reminder_rule(rule)
        # Into the uploader's own union or one under it; every row's employer must be visible there.
        register_upload_kind(UploadKind(
            code="hazards", label=_("hazard register upload"), importer=HazardImporter,
            url_prefix="events:hazard_import_", upload_template="events/hazard_upload.html",
            write_template=write_hazard_template, template_filename="隐患台账模板.xlsx",
            preview_columns=HAZARD_PREVIEW_COLUMNS,
            nothing_to_commit=_("Nothing would change: every hazard is already in the register."),
        ))
