from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "apps.employers"
    label = "employers"
    verbose_name = _("employer ledger")

    def ready(self):
        from apps.core.panels import Panel, register_panel
        from apps.imports.registry import UploadKind, register_upload_kind
        from apps.organizations.models import Organization
        from apps.organizations.services import MOVE_HOOKS

        from .importer import EmployerImporter
        from .upload_columns import EMPLOYER_PREVIEW_COLUMNS, write_employer_template
        from .services import move_employers_on_merge_or_dissolve

        if move_employers_on_merge_or_dissolve not in MOVE_HOOKS:
            MOVE_HOOKS.append(move_employers_on_merge_or_dissolve)
        # Uploads go into a county/district federation (or the city, for city staff): every row
        # must lie in it, so a county clerk cannot upload into another county.
        register_upload_kind(UploadKind(
            code="employers", label=_("employer ledger upload"), importer=EmployerImporter,
            url_prefix="employers:employer_import_", upload_template="employers/upload.html",
            write_template=write_employer_template, template_filename="单位台账模板.xlsx",
            preview_columns=EMPLOYER_PREVIEW_COLUMNS,
            organization_kinds=(Organization.Kind.CITY_FEDERATION, Organization.Kind.COUNTY_FEDERATION),
            nothing_to_commit=_("Nothing would change: every row is already in the ledger."),
        ))
        register_panel("organization", Panel(
            "employers:organization_panel", lambda org: ({"code": org.code}, {}), placeholder_id="org-ledger-panel-slot",
        ))
