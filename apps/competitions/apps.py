from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "apps.competitions"
    label = "competitions"
    verbose_name = _("labor competitions")

    def ready(self):
        from apps.core.panels import Panel, register_panel

        # The member's page (apps.members, a lower layer) shows the person's honors.
        register_panel("member", Panel(
            "competitions:member_honors", lambda member: ({"pk": member.pk}, {}), placeholder_id="member-honors-slot",
        ))
