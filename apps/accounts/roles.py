"""Roles (DESIGN.md "Who uses it") and what each may do inside its scope.

Scope (which rows) is decided by apps.organizations.scope; this module decides the
actions. A missing capability answers 403; a row outside scope answers 404.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_STAFF = "city_staff", _("city federation staff")
    COUNTY_STAFF = "county_staff", _("county/district staff")
    BRANCH_OFFICER = "branch_officer", _("branch officer")
    LEADER = "leader", _("leadership")


_STAFF = {Role.CITY_STAFF, Role.COUNTY_STAFF}
_WRITERS = _STAFF | {Role.BRANCH_OFFICER}

# capability -> roles holding it. Superusers hold every capability.
CAPABILITIES: dict[str, set[str]] = {
    "organizations.create": _STAFF,
    "organizations.edit": _STAFF,
    "organizations.merge": {Role.CITY_STAFF},
    "employers.edit": _STAFF,
    "employers.upload": _STAFF,
    "members.edit": _WRITERS,
    "members.upload": _WRITERS,
    "members.transfer": _WRITERS,
    "members.confirm_transfer": _WRITERS,
    "members.reveal": _WRITERS,  # see full ID/phone, audited
    "members.export": _WRITERS | {Role.LEADER},
    "audit.read": {Role.CITY_STAFF},
    # Hardship assistance (issue 16): each workflow step belongs to one level.
    "assistance.submit": {Role.BRANCH_OFFICER},  # file a household, edit the draft, submit, re-verify
    "assistance.review": {Role.COUNTY_STAFF},  # review, renew or exit a file
    "assistance.approve": {Role.CITY_STAFF},  # approve a reviewed file
    "assistance.record": _WRITERS,  # assistance, visits, legal aid, follow-ups, deliveries
    "assistance.approve_record": _STAFF,  # money above the city's threshold, by a level above
    "assistance.campaign": _STAFF,  # four-seasons campaigns
    "assistance.reveal": _WRITERS,  # full ID number, phone and bank account, audited
    "assistance.export": _WRITERS | {Role.LEADER},
    # The big screen (数据大屏) of the dashboard, for the meeting room's display.
    "dashboard.screen": {Role.CITY_STAFF, Role.LEADER},
    # Labor competitions, honors, innovation enterprises (issue 17). Who runs a competition
    # follows its level, as the union's organizing committees do: the city federation runs
    # city-level competitions, a county federation its county's, an enterprise union its own
    # (apps.competitions.services.may_run). Running one means its participants, stages,
    # scores (the committee's judges' marks entered by its office), quotas and awards.
    "competitions.manage": _WRITERS,
    # Honors are recorded by the federation at the honor's level: national, provincial and
    # city honors by the city federation (it nominates and files them), county honors by the
    # county federation (apps.competitions.services.may_record_honor).
    "competitions.honor": _STAFF,
    # Naming all-staff innovation enterprises: county level by the county federation, city and
    # provincial level by the city federation.
    "competitions.innovation": _STAFF,
    # The special fund is the city federation's: only its staff grant from it and pay out.
    "competitions.fund": {Role.CITY_STAFF},
    "competitions.export": _WRITERS | {Role.LEADER},
    # Outreach events and the safety-hazard register (issue 18).
    "events.edit": _WRITERS,  # events, their registrations, figures, photos and report
    "events.registry": _STAFF,  # the lecturer and venue registries
    "events.hazards": _WRITERS,  # record hazards and their rectification, upload them
    "events.verify": _STAFF,  # verify a rectification (a level above the one who recorded it)
    # Reports (issue 20): every role reads and asks for the reports of its own scope — leaders
    # and city/county staff for their subtree, a branch officer for their own union (its
    # figures for the annual return); the scope, not the role, keeps a sibling's out.
    "reports.view": _WRITERS | {Role.LEADER},
    "reports.request": _WRITERS | {Role.LEADER},
    # The annual statistical return (统计年报, issue 20 item 6), as the union's statistical
    # survey runs it: the city federation organizes it (opens the year's return, its deadline
    # and checks); each grassroots union fills its own form and confirms it; the federations
    # above review and total their units level by level, remind the late ones and correct a
    # figure with a reason (apps.reports.return_services).
    "reports.open_return": {Role.CITY_STAFF},
    "reports.confirm_return": {Role.BRANCH_OFFICER},
    "reports.oversee_return": _STAFF,
}


def role_has_capability(role: str, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return role in CAPABILITIES[capability]
