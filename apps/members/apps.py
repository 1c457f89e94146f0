from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("members")

    def ready(self):
        from apps.core.panels import Panel, register_panel
        from apps.imports.registry import UploadKind, register_upload_kind
        from apps.notifications.registry import register_reminder_rule
        from apps.organizations.services import MOVE_HOOKS

        from .reminders import REMINDER_RULES
        from .roster.columns import ROSTER_PREVIEW_COLUMNS
        from .roster.importer import RosterImporter
        from .roster.template_file import write_roster_template
        from .services import move_members_on_merge_or_dissolve

        for rule in REMINDER_RULES:
            register_reminder_rule(rule)
        if move_members_on_merge_or_dissolve not in MOVE_HOOKS:
            MOVE_HOOKS.append(move_members_on_merge_or_dissolve)
        register_upload_kind(UploadKind(
            code="roster", label=_("roster upload"), importer=RosterImporter, url_prefix="members:roster_",
            upload_template="members/roster/upload.html", write_template=write_roster_template,
            template_filename="会员名册模板.xlsx", preview_columns=ROSTER_PREVIEW_COLUMNS,
            nothing_to_commit=_("Nothing would change: every row is already on the roll."),
        ))
        register_panel("organization", Panel(
            "members:org_counts", lambda org: ({"org_pk": org.pk}, {}), placeholder_id="org-member-counts",
        ))
        register_panel("county_figures", Panel(
            "members:county_counts", lambda county: ({}, {"county": getattr(county, "code", "")}),
            placeholder_id="county-member-counts",
        ))
