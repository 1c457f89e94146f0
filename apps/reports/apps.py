from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("reports")

    def ready(self):
        from apps.notifications.registry import register_reminder_rule

        from .definitions import register_kinds
        from .return_reminders import REMINDER_RULES

        register_kinds()
        for rule in REMINDER_RULES:
            register_reminder_rule(rule)
