from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("members")

    def ready(self):
        from apps.organizations.lifecycle import MOVE_HOOKS

        from .lifecycle import move_members_on_merge_or_dissolve

        if move_members_on_merge_or_dissolve not in MOVE_HOOKS:
            MOVE_HOOKS.append(move_members_on_merge_or_dissolve)
