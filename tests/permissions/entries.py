"""The permission sweep's registry: one entry per URL name of the project (tests/permissions/test_sweep.py).

An entry says how to build the URL from the sweep's rows (world.py), who owns what it
shows, who one branch over must not see it, which capability each method needs and so
which in-scope role must get 403, and what the owner gets back. A URL pattern without an
entry fails the sweep: add one here the day you add a page. Keyed by URL name, so a new
namespace is a search-and-replace; builders are small functions of the World.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.urls import reverse

from .world import World

Builder = Callable[[World], dict]


def nothing(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Expect:
    """An answer: a status (or several allowed ones) and, for a redirect, where it goes."""

    status: int | tuple[int, ...]
    to: Callable[[World], str] | None = None

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.status if isinstance(self.status, tuple) else (self.status,)


def redirect(name: str, kwargs: Builder = nothing, query: str = "") -> Expect:
    return Expect(302, to=lambda w: reverse(name, kwargs=kwargs(w) or None) + query)


@dataclass(frozen=True)
class Call:
    """One method of a URL. `owner`: the owner's answer. `capability`: what this method
    needs (the entry's `lacking` user must get 403). `sibling`: the sibling's answer when it
    is not the entry's default (404 for an object URL, unchecked otherwise)."""

    owner: int | Expect
    capability: str | None = None
    data: Builder = nothing
    sibling: int | Expect | None = None

    @property
    def owner_expect(self) -> Expect:
        return self.owner if isinstance(self.owner, Expect) else Expect(self.owner)


@dataclass(frozen=True)
class Entry:
    get: Call | None = None
    post: Call | None = None  # only where the view takes POST
    kwargs: Builder = nothing
    query: Builder = nothing
    public: str = ""  # why anonymous may use it; empty: login required
    # owner, sibling, lacking: user fixtures by name (tests/conftest.py, tests/permissions/conftest.py)
    owner: str = "branch_officer"
    # object URL: the sibling gets 404 for every method (the row is the owner's)
    object: bool = False
    # list URL: the owner's page shows this text, the sibling's page must not
    marker: Callable[[World], str] | None = None
    # list URL: the same check again with the list's own filter pointed at the owner's rows
    list_filter: Builder | None = None
    sibling: str | None = "sibling_officer"
    no_sibling: str = ""  # why nobody one branch over can be asked (object and list URLs)
    lacking: str | None = None  # an in-scope user whose role lacks the capability
    # A known bug, so the lead sees it: check -> the bug; the check runs as xfail(strict=True).
    # Checks: "anonymous-GET", "public-POST", "owner-GET", "lacking-POST", "sibling-GET",
    # "list", "list-filtered" (the method part is the method swept).
    xfail: dict[str, str] = field(default_factory=dict)

    @property
    def calls(self) -> dict[str, Call]:
        return {m: c for m, c in (("GET", self.get), ("POST", self.post)) if c is not None}


# --- argument builders ------------------------------------------------------------------------


def arg(key: str, path: str) -> Builder:
    """{key: the World's value at the dotted path}: arg("pk", "member.pk")."""
    get = attrgetter(path)
    return lambda w: {key: get(w)}


def const(**values) -> Builder:
    return lambda w: values


member = arg("pk", "member.pk")
employer = arg("pk", "employer.pk")
instructor = arg("pk", "instructor.pk")
site = arg("pk", "site.pk")
roster_job = arg("pk", "roster_job.pk")
ledger_job = arg("pk", "ledger_job.pk")
member_export = arg("pk", "member_export.pk")
incoming_transfer = arg("pk", "incoming_transfer.pk")
outgoing_transfer = arg("pk", "outgoing_transfer.pk")
union_code = arg("code", "tree.union_a1a.code")
union_pk = arg("org_pk", "tree.union_a1a.pk")
# query strings and form data
county_a_code = arg("county", "tree.county_a.code")
county_a_pk = arg("county", "tree.county_a.pk")
parent_county_a = arg("parent", "tree.county_a.code")
org_a1a = arg("org", "tree.union_a1a.code")
union_a1a = arg("union", "tree.union_a1a.code")
union_a1a_upload = arg("organization", "tree.union_a1a.code")
county_a_upload = arg("organization", "tree.county_a.code")
find_member = arg("id_number", "member.id_number")
unmasked = const(unmasked="1")
reveal_id = const(field="id_number")


def member_name(w):
    return w.member.name


def county_a_name(w):
    return w.employer.county.name  # a county with an employer in its rows


def union_a1a_name(w):
    return w.tree.union_a1a.name


def township_a1_name(w):
    return w.tree.township_a1.name


def one_member_counted(w):
    _ = w.member  # union A1a's one member
    return "1 members"


def county_a_with_a_member(w):
    _ = w.member  # so county A's row has a figure
    return w.tree.county_a.name


GET_PAGE = Call(200)
FORM = Call(200)  # an empty POST: the form comes back with its errors (nothing written)
POST_ONLY = Call(405)  # GET on a view that only takes POST


def form_page(capability: str) -> tuple[Call, Call]:
    return Call(200, capability), Call(200, capability)


# City-only rights: the sibling is a city-staff role attached to county B.
CITY_RIGHTS = {"owner": "city_staff", "sibling": "county_b_city_clerk", "lacking": "county_staff"}
STAFF = {"owner": "county_staff", "sibling": "county_b_staff", "lacking": "leader"}
# Rows per county: the city sees county A's row; county B staff must not.
CITY_OVER_COUNTY_B = {"owner": "city_staff", "sibling": "county_b_staff"}
WRITER = {"owner": "branch_officer", "sibling": "sibling_officer", "lacking": "leader"}


def staff_form(capability: str, **kw) -> Entry:
    get, post = form_page(capability)
    return Entry(get=get, post=post, **STAFF, **kw)


def writer_form(capability: str, **kw) -> Entry:
    get, post = form_page(capability)
    return Entry(get=get, post=post, **WRITER, **kw)


def post_action(owner: int | Expect, capability: str, kwargs: Builder, users=WRITER, data=nothing) -> Entry:
    """A POST-only action on one of the owner's rows (GET answers 405)."""
    return Entry(get=POST_ONLY, post=Call(owner, capability, data=data), kwargs=kwargs, object=True, **users)


INCOMING_LIST = redirect("members:transfers", query="?direction=incoming")
# County A's instructor, seen by county A staff and not by county B's.
INSTRUCTOR_LIST = Entry(
    get=GET_PAGE,
    marker=lambda w: w.instructor.name,
    owner="county_staff",
    sibling="county_b_staff",
    list_filter=county_a_pk,
)

# assistance
hardship_file = arg("pk", "hardship_file.pk")
active_file = arg("pk", "active_file.pk")
pending_record = arg("pk", "pending_record.pk")
follow_up = arg("pk", "follow_up.pk")
problem = arg("pk", "problem.pk")
attachment = arg("pk", "attachment.pk")
legal_case = arg("pk", "legal_case.pk")
campaign = arg("pk", "campaign.pk")
recipient = arg("pk", "recipient.pk")
notification = arg("pk", "notification.pk")
report = arg("pk", "report.pk")


# the annual statistical return: opened by city staff when first asked for (one per World)
def _statistical_return(w: World):
    if "_statistical_return" not in w.__dict__:
        from apps.reports.return_checks import DEFAULT_MODES
        from apps.reports.return_services import open_return

        w.__dict__["_statistical_return"] = open_return(
            actor=w.user("city_staff"), year=2026, deadline=datetime.date(2027, 1, 31), tolerance_percent=30,
            check_modes=dict(DEFAULT_MODES))
    return w.__dict__["_statistical_return"]


def statistical_return(w: World) -> dict:
    return {"pk": _statistical_return(w).pk}


def return_unit(w: World) -> dict:
    """Union A1a's form in the return."""
    return {"pk": _statistical_return(w).units.get(organization=w.tree.union_a1a).pk}


def return_unit_marker(w: World) -> str:
    _statistical_return(w)
    return w.tree.union_a1a.name
DRAFT_PAGE = redirect("assistance:file_detail", hardship_file)
ACTIVE_PAGE = redirect("assistance:file_detail", active_file)
CAMPAIGN_PAGE = redirect("assistance:campaign_detail", campaign)
# The city's step: a city-staff role attached to county B is the sibling.
CITY_STEP = {"owner": "city_staff", "sibling": "county_b_city_clerk", "lacking": "county_staff"}


# events
event = arg("pk", "event.pk")
held_event = arg("pk", "held_event.pk")
job_fair = arg("pk", "job_fair.pk")
photo = arg("pk", "photo.pk")
lecturer = arg("pk", "lecturer.pk")
venue = arg("pk", "venue.pk")
hazard = arg("pk", "hazard.pk")
hazard_job = arg("pk", "hazard_job.pk")
EVENT_PAGE = redirect("events:event_detail", event)
HELD_PAGE = redirect("events:event_detail", held_event)
HAZARD_PAGE = redirect("events:hazard_detail", hazard)


def registration(w):
    return {"pk": w.event.pk, "registration": w.registration.pk}


def hardship_name(w):
    return w.hardship_file.head_name


def active_name(w):
    return w.active_file.head_name


def county_a_with_assistance(w):
    _ = w.active_file  # so county A's row has a figure
    return w.tree.county_a.name


# competitions (issue 17): county A's competition, run by county A's staff
competition = arg("pk", "competition.pk")
stage = arg("pk", "stage.pk")
team = arg("pk", "team.pk")
rules_attachment = arg("pk", "rules_attachment.pk")
enterprise = arg("pk", "enterprise.pk")
COMPETITION_PAGE = redirect("competitions:detail", competition)
ENTERPRISE_PAGE = redirect("competitions:enterprise_detail", enterprise)
COUNTY = {"owner": "county_staff", "sibling": "county_b_staff"}


def competition_name(w):
    return w.competition.name


def county_a_with_a_competition(w):
    _ = w.competition, w.honor  # so county A's row has figures
    return w.tree.county_a.name


# --- the registry ------------------------------------------------------------------------------

ENTRIES: dict[str, Entry] = {
    # Django's own pages, public by nature.
    "set_language": Entry(
        public="switching the interface language works before login",
        get=Call(redirect("home")),
        post=Call(redirect("home"), data=const(language="en", next="/")),
    ),
    "login": Entry(
        public="the login form",
        get=GET_PAGE,
        post=Call(200, data=const(username="nobody", password="x")),
    ),
    "logout": Entry(
        public="Django's LogoutView needs no session; it answers POST only, with the login page",
        get=POST_ONLY,
        post=Call(redirect("login")),
    ),
    "healthz": Entry(public="monitors call it without logging in", get=Call((200, 503)), post=POST_ONLY),
    "favicon": Entry(public="browsers ask for it on their own, before login", get=Call(302)),
    "password_change": Entry(get=GET_PAGE, post=FORM),
    "password_change_done": Entry(get=GET_PAGE),
    "home": Entry(get=GET_PAGE),
    # --- the leadership dashboard: a county of one's scope by ?county=CODE; another county is 404
    "dashboard": Entry(get=GET_PAGE, query=county_a_code, object=True, owner="county_staff", sibling="county_b_staff"),
    # One panel's workbook, for the same ?county= as the page: another county is 404.
    "dashboard_export": Entry(
        get=GET_PAGE, kwargs=const(panel="members"), query=county_a_code, object=True, owner="county_staff",
        sibling="county_b_staff",
    ),
    "dashboard_screen": Entry(get=Call(200, "dashboard.screen"), query=county_a_code, object=True, **CITY_RIGHTS),
    "dashboard_screen_figures": Entry(
        get=Call(200, "dashboard.screen"), query=county_a_code, object=True, **CITY_RIGHTS
    ),
    # --- organizations
    # Owners above the marked row, so the marker is not merely their own organization in the header.
    "organizations:list": Entry(
        get=GET_PAGE, marker=union_a1a_name, owner="county_staff", list_filter=county_a_pk
    ),
    "organizations:tree": Entry(get=GET_PAGE, marker=township_a1_name, owner="county_staff"),
    "organizations:create": staff_form("organizations.create", query=parent_county_a, object=True),
    "organizations:detail": Entry(get=GET_PAGE, kwargs=union_code, object=True),
    "organizations:edit": staff_form("organizations.edit", kwargs=union_code, object=True),
    "organizations:tree_children": Entry(get=GET_PAGE, kwargs=union_code, object=True),
    # The organization picker's matches: union A1a's own search finds it, its sibling's does not.
    "organizations:search": Entry(get=GET_PAGE, query=lambda w: {"q": w.tree.union_a1a.name}, marker=union_a1a_name),
    "organizations:organization_merge": Entry(
        get=Call(200, "organizations.merge"),
        post=Call(200, "organizations.merge"),
        kwargs=union_code,
        object=True,
        **CITY_RIGHTS,
    ),
    "organizations:organization_dissolve": Entry(
        get=Call(200, "organizations.merge"),
        post=Call(200, "organizations.merge"),
        kwargs=union_code,
        object=True,
        **CITY_RIGHTS,
    ),
    "employers:organization_panel": Entry(get=GET_PAGE, kwargs=union_code, object=True),
    # --- employer ledger
    "employers:employer_list": Entry(
        get=GET_PAGE, marker=lambda w: w.employer.name, list_filter=union_a1a
    ),
    "employers:employer_export": Entry(
        get=GET_PAGE, marker=lambda w: w.employer.name, list_filter=union_a1a
    ),
    "employers:employer_create": staff_form("employers.edit"),
    "employers:employer_detail": Entry(get=GET_PAGE, kwargs=employer, object=True),
    "employers:employer_edit": staff_form("employers.edit", kwargs=employer, object=True),
    "employers:employer_import_upload": Entry(
        get=Call(200, "employers.upload"),
        # into county A by county B staff: 404; the owner's POST has no file, so the form answers
        post=Call(200, "employers.upload", data=county_a_upload, sibling=404),
        marker=lambda w: w.ledger_job.original_name,
        **STAFF,
    ),
    "employers:employer_import_template": Entry(get=Call(200, "employers.upload"), **STAFF),
    "employers:employer_import_detail": Entry(
        get=Call(200, "employers.upload"), kwargs=ledger_job, object=True, **STAFF
    ),
    "employers:employer_import_progress": Entry(
        get=Call(200, "employers.upload"), kwargs=ledger_job, object=True, **STAFF
    ),
    "employers:employer_import_errors": Entry(
        get=Call(200, "employers.upload"), kwargs=ledger_job, object=True, **STAFF
    ),
    "employers:employer_import_commit": post_action(
        redirect("employers:employer_import_detail", ledger_job), "employers.upload", ledger_job, STAFF
    ),
    # "check again" on a validated job: refused with a message, back to its page
    "employers:employer_import_recheck": post_action(
        redirect("employers:employer_import_detail", ledger_job), "employers.upload", ledger_job, STAFF
    ),
    "employers:rate": Entry(get=GET_PAGE, marker=county_a_name, **CITY_OVER_COUNTY_B),
    "employers:rate_export": Entry(get=GET_PAGE, marker=county_a_name, **CITY_OVER_COUNTY_B),
    "employers:new_sector": Entry(
        get=GET_PAGE, query=county_a_code, object=True, owner="county_staff", sibling="county_b_staff"
    ),
    "employers:new_sector_export": Entry(
        get=GET_PAGE, query=county_a_code, object=True, owner="county_staff", sibling="county_b_staff"
    ),
    # The list and its export show the same rows.
    "employers:instructor_list": INSTRUCTOR_LIST,
    "employers:instructor_export": INSTRUCTOR_LIST,
    "employers:instructor_create": staff_form("employers.edit"),
    # Anyone in scope reads it; recording a visit (POST) is staff's.
    "employers:instructor_detail": Entry(
        get=GET_PAGE, post=Call(200, "employers.edit"), kwargs=instructor, object=True, **STAFF
    ),
    "employers:instructor_edit": staff_form("employers.edit", kwargs=instructor, object=True),
    "employers:site_list": Entry(get=GET_PAGE, marker=lambda w: w.site.demonstrates),
    "employers:site_export": Entry(get=GET_PAGE, marker=lambda w: w.site.demonstrates),
    "employers:site_create": staff_form("organizations.edit"),
    "employers:site_edit": staff_form("organizations.edit", kwargs=site, object=True),
    # --- members
    "members:list": Entry(get=GET_PAGE, marker=member_name, list_filter=org_a1a),
    "members:count": Entry(get=GET_PAGE, marker=one_member_counted, list_filter=org_a1a),
    # The found member's page for the owner; "not in your scope" (the list) for the sibling.
    "members:find": Entry(
        get=POST_ONLY,
        post=Call(redirect("members:detail", member), data=find_member, sibling=redirect("members:list")),
    ),
    # Every role may export; the unmasked export needs members.reveal.
    "members:export": Entry(
        get=Call(200, "members.reveal"), query=unmasked, marker=member_name, list_filter=org_a1a, **WRITER
    ),
    "members:export_status": Entry(get=GET_PAGE, kwargs=member_export, object=True),
    "members:export_download": Entry(get=GET_PAGE, kwargs=member_export, object=True),
    "members:create": writer_form("members.edit"),
    "members:detail": Entry(get=GET_PAGE, kwargs=member, object=True),
    "members:edit": writer_form("members.edit", kwargs=member, object=True),
    "members:status": writer_form("members.edit", kwargs=member, object=True),
    "members:reveal": post_action(200, "members.reveal", member, data=reveal_id),
    "members:transfer_out": writer_form("members.transfer", kwargs=member, object=True),
    "members:transfers": Entry(get=GET_PAGE, marker=lambda w: w.incoming_transfer.member.name),
    # The clerk above both unions; which rows it lists is tested in tests/members/test_transfers.py
    # (the world's transfers are not overdue).
    "members:transfers_overdue": Entry(get=GET_PAGE, owner="county_staff", sibling="county_b_staff"),
    "members:transfer_in": writer_form("members.transfer"),
    "members:transfer_confirm": post_action(INCOMING_LIST, "members.confirm_transfer", incoming_transfer),
    "members:transfer_reject": post_action(INCOMING_LIST, "members.confirm_transfer", incoming_transfer),
    "members:transfer_cancel": post_action(
        redirect("members:transfers", query="?direction=outgoing"), "members.transfer", outgoing_transfer
    ),
    "members:access_log": Entry(
        get=Call(200, "audit.read"), marker=lambda w: w.sensitive_access.subject_label, **CITY_RIGHTS
    ),
    "members:org_counts": Entry(get=GET_PAGE, kwargs=union_pk, object=True),
    "members:county_counts": Entry(get=GET_PAGE, marker=county_a_with_a_member, **CITY_OVER_COUNTY_B),
    # --- roster upload
    "members:roster_upload": Entry(
        get=Call(200, "members.upload"),
        post=Call(200, "members.upload", data=union_a1a_upload, sibling=404),
        marker=lambda w: w.roster_job.original_name,
        **WRITER,
    ),
    "members:roster_template": Entry(get=Call(200, "members.upload"), **WRITER),
    "members:roster_detail": Entry(get=Call(200, "members.upload"), kwargs=roster_job, object=True, **WRITER),
    "members:roster_progress": Entry(
        get=Call(200, "members.upload"), kwargs=roster_job, object=True, **WRITER
    ),
    "members:roster_errors": Entry(get=Call(200, "members.upload"), kwargs=roster_job, object=True, **WRITER),
    "members:roster_commit": post_action(
        redirect("members:roster_detail", roster_job), "members.upload", roster_job
    ),
    "members:roster_recheck": post_action(  # on a validated job: refused, back to its page
        redirect("members:roster_detail", roster_job), "members.upload", roster_job
    ),
    # --- hardship assistance (issue 16). Step URLs without the file's version answer with
    # the service's message on the file's page (nothing written); rights and scope come first.
    "assistance:file_list": Entry(get=GET_PAGE, marker=hardship_name, list_filter=org_a1a),
    "assistance:queue_counts": Entry(get=GET_PAGE),
    "assistance:file_create": writer_form("assistance.submit"),
    "assistance:file_export": Entry(
        get=Call(200, "assistance.reveal"), query=unmasked, marker=hardship_name, list_filter=org_a1a, **WRITER
    ),
    "assistance:file_detail": Entry(get=GET_PAGE, kwargs=hardship_file, object=True),
    "assistance:file_edit": writer_form("assistance.submit", kwargs=hardship_file, object=True),
    "assistance:file_submit": post_action(DRAFT_PAGE, "assistance.submit", hardship_file),
    "assistance:file_discard": post_action(DRAFT_PAGE, "assistance.submit", hardship_file),
    "assistance:file_review": post_action(DRAFT_PAGE, "assistance.review", hardship_file, STAFF),
    "assistance:file_approve": post_action(DRAFT_PAGE, "assistance.approve", hardship_file, CITY_STEP),
    "assistance:file_reject": post_action(DRAFT_PAGE, "assistance.review", hardship_file, STAFF),
    "assistance:file_reverify": writer_form("assistance.submit", kwargs=active_file, object=True),
    "assistance:file_renew": post_action(ACTIVE_PAGE, "assistance.review", active_file, STAFF),
    "assistance:file_exit": post_action(ACTIVE_PAGE, "assistance.review", active_file, STAFF),
    "assistance:file_reveal": post_action(200, "assistance.reveal", hardship_file, data=const(field="bank_account")),
    "assistance:attachment_upload": post_action(DRAFT_PAGE, "assistance.record", hardship_file),
    "assistance:attachment_download": Entry(get=GET_PAGE, kwargs=attachment, object=True),
    "assistance:follow_up_record": post_action(
        redirect("assistance:file_detail", lambda w: {"pk": w.follow_up.file_id}), "assistance.record", follow_up
    ),
    "assistance:record_create": writer_form("assistance.record", kwargs=active_file, object=True),
    "assistance:record_approve": post_action(ACTIVE_PAGE, "assistance.approve_record", pending_record, STAFF),
    "assistance:record_reject": post_action(ACTIVE_PAGE, "assistance.approve_record", pending_record, STAFF),
    "assistance:records_pending": Entry(
        get=Call(200, "assistance.approve_record"), marker=lambda w: w.pending_record.file.head_name, **STAFF
    ),
    "assistance:records_export": Entry(
        get=Call(200, "assistance.reveal"), query=unmasked, marker=active_name, **WRITER
    ),
    "assistance:totals": Entry(get=GET_PAGE, marker=county_a_with_assistance, **CITY_OVER_COUNTY_B),
    "assistance:visit_create": writer_form("assistance.record", kwargs=active_file, object=True),
    "assistance:problem_advance": post_action(ACTIVE_PAGE, "assistance.record", problem),
    "assistance:legal_list": Entry(get=GET_PAGE, marker=lambda w: w.legal_case.worker_name),
    "assistance:legal_create": writer_form("assistance.record"),
    "assistance:legal_edit": writer_form("assistance.record", kwargs=legal_case, object=True),
    "assistance:campaign_list": Entry(
        get=GET_PAGE, marker=lambda w: w.campaign.name, owner="county_staff", sibling="county_b_staff"
    ),
    "assistance:campaign_create": staff_form("assistance.campaign"),
    "assistance:campaign_detail": Entry(
        get=GET_PAGE, kwargs=campaign, object=True, owner="county_staff", sibling="county_b_staff"
    ),
    "assistance:campaign_select": post_action(CAMPAIGN_PAGE, "assistance.campaign", campaign, STAFF),
    "assistance:campaign_add_worker": post_action(CAMPAIGN_PAGE, "assistance.campaign", campaign, STAFF),
    "assistance:campaign_deliver": post_action(
        redirect("assistance:campaign_detail", lambda w: {"pk": w.recipient.campaign_id}), "assistance.record",
        recipient,
    ),
    # --- competitions, honors, innovation enterprises
    "competitions:list": Entry(get=GET_PAGE, marker=competition_name, list_filter=county_a_code, **COUNTY),
    "competitions:export": Entry(get=GET_PAGE, marker=competition_name, list_filter=county_a_code, **COUNTY),
    "competitions:create": writer_form("competitions.manage"),
    "competitions:detail": Entry(get=GET_PAGE, kwargs=competition, object=True, **COUNTY),
    "competitions:edit": staff_form("competitions.manage", kwargs=competition, object=True),
    "competitions:advance": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:attachment_upload": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:attachment_download": Entry(get=GET_PAGE, kwargs=rules_attachment, object=True, **COUNTY),
    "competitions:participation_add": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:team_add": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:participant_add": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:stage_add": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    "competitions:quota_set": post_action(COMPETITION_PAGE, "competitions.manage", competition, STAFF),
    # An empty POST keeps no score (all boxes empty) and returns to the competition.
    "competitions:stage_scores": Entry(get=Call(200, "competitions.manage"),
                                       post=Call(COMPETITION_PAGE, "competitions.manage"),
                                       kwargs=stage, object=True, **STAFF),
    "competitions:award_give": post_action(COMPETITION_PAGE, "competitions.manage", team, STAFF),
    "competitions:participation_list": Entry(get=GET_PAGE, marker=competition_name, list_filter=county_a_code,
                                             **COUNTY),
    "competitions:honor_list": Entry(get=GET_PAGE, marker=lambda w: w.honor.honoree, list_filter=county_a_code,
                                     **COUNTY),
    "competitions:honor_export": Entry(get=GET_PAGE, marker=lambda w: w.honor.honoree, list_filter=county_a_code,
                                       **COUNTY),
    "competitions:honor_create": staff_form("competitions.honor"),
    # The honors panel of a member's page: the member's scope decides (members.selectors.member_detail).
    "competitions:member_honors": Entry(get=GET_PAGE, kwargs=member, object=True),
    "competitions:enterprise_list": Entry(get=GET_PAGE, marker=lambda w: w.enterprise.employer.name,
                                          list_filter=county_a_code, **COUNTY),
    "competitions:enterprise_export": Entry(get=GET_PAGE, marker=lambda w: w.enterprise.employer.name,
                                            list_filter=county_a_code, **COUNTY),
    "competitions:enterprise_create": staff_form("competitions.innovation"),
    "competitions:enterprise_detail": Entry(get=GET_PAGE, kwargs=enterprise, object=True, **COUNTY),
    # The special fund is the city's: a city-staff role attached to county B is the sibling.
    "competitions:payment_add": post_action(ENTERPRISE_PAGE, "competitions.fund", enterprise, CITY_RIGHTS),
    "competitions:outcome_add": post_action(ENTERPRISE_PAGE, "competitions.manage", enterprise),
    "competitions:fund_ledger": Entry(get=GET_PAGE, marker=lambda w: (w.enterprise, "甲标记拨付")[1],
                                      list_filter=county_a_code, **COUNTY),
    "competitions:fund_ledger_export": Entry(get=GET_PAGE, marker=lambda w: (w.enterprise, "甲标记拨付")[1],
                                             list_filter=county_a_code, **COUNTY),
    "competitions:statistics": Entry(get=GET_PAGE, marker=county_a_with_a_competition, **CITY_OVER_COUNTY_B),
    # --- events (issue 18). Steps refused by the service (held before the start, a POST without
    # its form) answer with the message on the event's page: rights and scope come first.
    "events:event_list": Entry(get=GET_PAGE, marker=lambda w: w.event.title, list_filter=org_a1a),
    "events:event_create": writer_form("events.edit"),
    "events:event_detail": Entry(get=GET_PAGE, kwargs=event, object=True),
    "events:event_edit": writer_form("events.edit", kwargs=event, object=True),
    "events:event_held": post_action(EVENT_PAGE, "events.edit", event),
    "events:event_cancel": post_action(EVENT_PAGE, "events.edit", event),
    "events:photo_upload": post_action(HELD_PAGE, "events.edit", held_event),
    "events:photo_download": Entry(get=GET_PAGE, kwargs=photo, object=True),
    "events:training_figures": post_action(HELD_PAGE, "events.edit", held_event),
    "events:job_fair_figures": post_action(redirect("events:event_detail", job_fair), "events.edit", job_fair),
    "events:register_member": post_action(EVENT_PAGE, "events.edit", event),
    "events:register_group": post_action(EVENT_PAGE, "events.edit", event),
    # every signed-in user in scope may register themselves; the leader is in scope too
    "events:register_self": Entry(get=POST_ONLY, post=Call(EVENT_PAGE), kwargs=event, object=True),
    "events:registration_remove": post_action(EVENT_PAGE, "events.edit", registration),
    "events:event_qr": Entry(get=Call(200, "events.edit"), kwargs=event, object=True, **WRITER),
    "events:checkin_screen": Entry(get=Call(200, "events.edit"), kwargs=event, object=True, **WRITER),
    "events:checkin": Entry(
        public="a phone opening the venue's QR code has no login: the signed token for this event, valid "
               "only around its time, is the key (tests/events/test_checkin.py: forged, foreign, expired)",
        get=Call(200), post=Call(200), kwargs=lambda w: w.checkin,
    ),
    "events:calendar": Entry(get=GET_PAGE, marker=lambda w: w.event.title,
                             query=lambda w: {"view": "week", "day": w.event.starts_at.date().isoformat()}),
    "events:feed_renew": Entry(get=POST_ONLY, post=Call(redirect("events:calendar"))),
    "events:feed_revoke": Entry(get=POST_ONLY, post=Call(redirect("events:calendar"))),
    "events:feed": Entry(
        public="a phone's calendar subscribes without a login: the user's secret, revocable token is the key",
        get=Call(200), kwargs=lambda w: {"token": w.feed.token},
    ),
    "events:lecturer_list": Entry(get=GET_PAGE, marker=lambda w: w.lecturer.name, owner="county_staff",
                                  sibling="county_b_staff"),
    "events:lecturer_create": staff_form("events.registry"),
    "events:lecturer_detail": Entry(get=GET_PAGE, kwargs=lecturer, object=True, owner="county_staff",
                                    sibling="county_b_staff"),
    "events:lecturer_edit": staff_form("events.registry", kwargs=lecturer, object=True),
    "events:venue_list": Entry(get=GET_PAGE, marker=lambda w: w.venue.name, owner="county_staff",
                               sibling="county_b_staff"),
    "events:venue_create": staff_form("events.registry"),
    "events:venue_edit": staff_form("events.registry", kwargs=venue, object=True),
    "events:hazard_list": Entry(get=GET_PAGE, marker=lambda w: w.hazard.place, list_filter=org_a1a),
    "events:hazard_create": writer_form("events.hazards"),
    "events:hazard_detail": Entry(get=GET_PAGE, kwargs=hazard, object=True),
    "events:hazard_edit": writer_form("events.hazards", kwargs=hazard, object=True),
    "events:hazard_rectify": post_action(HAZARD_PAGE, "events.hazards", hazard),
    "events:hazard_verify": post_action(HAZARD_PAGE, "events.verify", hazard, STAFF),
    "events:statistics": Entry(get=GET_PAGE, marker=lambda w: w.held_event.organization.county.name,
                               **CITY_OVER_COUNTY_B),
    "events:hazard_import_upload": Entry(
        get=Call(200, "events.hazards"),
        post=Call(200, "events.hazards", data=union_a1a_upload, sibling=404),
        marker=lambda w: w.hazard_job.original_name,
        **WRITER,
    ),
    "events:hazard_import_template": Entry(get=Call(200, "events.hazards"), **WRITER),
    "events:hazard_import_detail": Entry(get=Call(200, "events.hazards"), kwargs=hazard_job, object=True, **WRITER),
    "events:hazard_import_progress": Entry(get=Call(200, "events.hazards"), kwargs=hazard_job, object=True,
                                           **WRITER),
    "events:hazard_import_errors": Entry(get=Call(200, "events.hazards"), kwargs=hazard_job, object=True, **WRITER),
    "events:hazard_import_commit": post_action(redirect("events:hazard_import_detail", hazard_job),
                                               "events.hazards", hazard_job),
    "events:hazard_import_recheck": post_action(redirect("events:hazard_import_detail", hazard_job),
                                                "events.hazards", hazard_job),
    # --- reports (issue 20). Every role holds reports.view and reports.request (apps/accounts/
    # roles.py): the scope is the guard, so no call names a capability and none has a role
    # lacking it. The download centre lists union A1a's report for its officer, not for A1b's;
    # the form's POST without data comes back with its errors.
    "reports:centre": Entry(get=GET_PAGE, post=FORM, marker=lambda w: f'id="report-{w.report.pk}"'),
    "reports:row": Entry(get=GET_PAGE, kwargs=report, object=True),
    "reports:download": Entry(get=GET_PAGE, kwargs=lambda w: {"pk": w.report.pk, "fmt": "xlsx"}, object=True),
    # The annual statistical return: the city opens it (county staff lack the right); union
    # A1a's form is its officer's (A1b's officer gets 404; a leader of county A sees it but
    # lacks the right to confirm); county staff above it correct and remind. The return itself
    # is the whole city's: every unit's officer sees its overview, only their own units on it.
    "reports:returns": Entry(get=GET_PAGE),
    "reports:return_open": Entry(get=Call(200, "reports.open_return"), post=Call(200, "reports.open_return"),
                                 **CITY_RIGHTS),
    "reports:return_settings": Entry(get=Call(200, "reports.open_return"), post=Call(200, "reports.open_return"),
                                     kwargs=statistical_return, **CITY_RIGHTS),
    "reports:return_detail": Entry(get=GET_PAGE, kwargs=statistical_return, marker=return_unit_marker),
    "reports:return_units": Entry(get=GET_PAGE, kwargs=statistical_return, marker=return_unit_marker),
    "reports:return_export": Entry(get=GET_PAGE, kwargs=statistical_return),
    "reports:return_remind": Entry(get=POST_ONLY, post=Call(redirect("reports:return_detail", statistical_return),
                                                            "reports.oversee_return"),
                                   kwargs=statistical_return, owner="county_staff", lacking="leader"),
    "reports:return_unit": Entry(get=GET_PAGE, post=Call(redirect("reports:return_unit", return_unit),
                                                         "reports.confirm_return"),
                                 kwargs=return_unit, object=True, lacking="leader"),
    "reports:return_unit_correct": post_action(200, "reports.oversee_return", return_unit, STAFF),
    # --- notifications: each user's own
    "notifications:list": Entry(get=GET_PAGE, marker=lambda w: w.notification.title),
    "notifications:bell": Entry(get=GET_PAGE),
    "notifications:read": Entry(
        get=POST_ONLY, post=Call(redirect("notifications:list")), kwargs=notification, object=True
    ),
    "notifications:read_all": Entry(get=POST_ONLY, post=Call(redirect("notifications:list"))),
    "notifications:preferences": Entry(get=POST_ONLY, post=Call(redirect("notifications:list"))),
}

# URL patterns the sweep leaves alone, each with its reason: by namespace ...
EXCLUDED_NAMESPACES: dict[str, str] = {
    "admin": "Django's admin: superusers only, Django's own permission checks (tests/accounts/test_admin.py)",
}
# ... and by view. Static files are served by whitenoise (no URL pattern); media files get
# a pattern only with DEBUG (unionportal/urls.py, django.conf.urls.static), never in production.
EXCLUDED_VIEWS: dict[str, str] = {
    "django.views.static.serve": "MEDIA_URL served with DEBUG only, a local convenience",
}
