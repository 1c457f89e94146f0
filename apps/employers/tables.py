import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.organizations.scope import is_in_scope
from apps.organizations.tables import org_link

from .models import DemonstrationSite, Employer, WorkInstructor


class EmployerTable(tables.Table):
    region_label = _("Employer units")  # the name of its scroll region
    name = tables.LinkColumn(
        "employers:employer_detail",
        args=[tables.A("pk")],
        verbose_name=_("name"),
        attrs={"td": {"class": "cell-name"}},
    )
    covering_union = tables.Column(verbose_name=_("covering union"), default="—")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def render_covering_union(self, value):
        # A link where the user may open the union's page; its name alone elsewhere.
        return org_link(value) if self.user is not None and is_in_scope(self.user, value) else str(value)

    class Meta:
        model = Employer
        fields = (
            "name",
            "social_credit_code",
            "county",
            "township",
            "industry",
            "ownership",
            "headcount",
            "new_sector_kind",
            "covering_union",
            "status",
        )
        order_by_field = "sort"
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No employer units match.")


class InstructorTable(tables.Table):
    region_label = _("Work instructors")  # the name of its scroll region
    name = tables.LinkColumn("employers:instructor_detail", args=[tables.A("pk")], verbose_name=pgettext_lazy("person", "name"))
    employer_count = tables.Column(verbose_name=_("assigned organizations"))

    class Meta:
        model = WorkInstructor
        fields = ("name", "county", "sent_by", "employer_count", "started_on", "ended_on", "status")
        order_by_field = "sort"
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No work instructors match.")


class DemonstrationSiteTable(tables.Table):
    region_label = _("Demonstration sites")  # the name of its scroll region
    # Sites are scoped through their organization, so its page is always the user's to open.
    organization = tables.Column(linkify=lambda record: reverse("organizations:detail", args=[record.organization.code]))
    county = tables.Column(
        accessor="organization__county", verbose_name=_("county/district"), orderable=False
    )
    edit = tables.LinkColumn(
        "employers:site_edit", args=[tables.A("pk")], text=_("Edit"), orderable=False, verbose_name=""
    )

    class Meta:
        model = DemonstrationSite
        fields = ("organization", "county", "level", "year_named", "demonstrates", "status")
        order_by_field = "sort"
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No demonstration sites yet.")
