"""The figures of the annual statistical return (统计年报), one list: what each unit reports,
its label, and whether the portal keeps a live source for it.

A unit is a grassroots-level union (UNIT_KINDS): what the federation's survey calls a
基层工会, filling its own form (基层工会调查表); the federations above it do not fill one, they
total their units. Figures are of the unit's own organization, never its subtree, so that a
sum over units counts each member once.

Live sources, read through the owning apps' selectors (apps.reports.return_selectors):
- members, by worker category, and new members in the year: the kept counts
  (apps.members.counts, OrganizationMemberCount);
- women members: the roll (sex), one grouped count;
- employees: the headcount of the active employers of the ledger the union covers;
- union committee members: not kept by the portal — the unit enters it (the page says so).
"""

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from apps.organizations.models import Organization

UNIT_KINDS = (Organization.Kind.GRASSROOTS, Organization.Kind.JOINT_GRASSROOTS, Organization.Kind.VILLAGE)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    live: bool = True  # the portal keeps a live source for it
    # the figure this one is a part of (a share of it above 100 % is an error)
    part_of: str = ""


FIGURES = (
    Figure("employees", pgettext_lazy("return figure", "employees")),
    Figure("members", pgettext_lazy("return figure", "members")),
    Figure("regular", pgettext_lazy("return figure", "members: employees"), part_of="members"),
    Figure("migrant", pgettext_lazy("return figure", "members: migrant workers"), part_of="members"),
    Figure("new_employment", pgettext_lazy("return figure", "members: new-employment-form workers"), part_of="members"),
    Figure("dispatched", pgettext_lazy("return figure", "members: dispatched workers"), part_of="members"),
    Figure("women_members", pgettext_lazy("return figure", "women members"), part_of="members"),
    Figure("new_members", pgettext_lazy("return figure", "new members in the year"), part_of="members"),
    Figure("committee_members", pgettext_lazy("return figure", "union committee members"), live=False),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
# The worker categories partition the members: their sum is the members figure at most.
CATEGORY_KEYS = ("regular", "migrant", "new_employment", "dispatched")


def figure_label(key: str) -> str:
    return str(FIGURES_BY_KEY[key].label)
