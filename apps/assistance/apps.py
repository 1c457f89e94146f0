from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "apps.assistance"
    label = "assistance"
    verbose_name = _("hardship assistance")

    def ready(self):
        from apps.notifications.registry import register_reminder_rule

        from .reminders import REMINDER_RULES

        for rule in REMINDER_RULES:
            register_reminder_rule(rule)
