from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications and e-mail, and the reminder rules beat runs (DESIGN.md "Celery").

    Sits beside accounts and imports: it names no domain app. Domain apps call
    services.notify(...) and register their reminder rules (registry.py) from their own
    AppConfig.ready()."""

    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("notifications")
