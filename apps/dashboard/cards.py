"""The start page's work cards: what each role does, with the few counts that say what waits.

One builder per area, `builder(user) -> Card | None` (None: nothing there for this role).
Each reads its app through that app's selectors only (the dashboard layer's contract) and
keeps to small, bounded queries: the page is opened by every user many times a day, so
nothing here counts the members of a county or the city. An app that lands later adds its
builder to CARDS.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.competitions.selectors import running_competition_count
from apps.events.selectors import start_page_counts
from apps.imports.selectors import recent_uploads, upload_pages
from apps.members.selectors import pending_transfer_counts


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    primary: bool = False


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str
    attention: bool = False  # something waits for this user's side


@dataclass
class Card:
    key: str  # the card's id in the page: home-<key>
    title: str
    links: list[Link] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    body: str = ""  # a template for what links and figures cannot say (a table)
    context: dict = field(default_factory=dict)


def _links(user, *candidates) -> list[Link]:
    """The links whose capability the user holds (None: every signed-in user)."""
    return [
        Link(label, reverse(name), primary)
        for label, name, capability, primary in candidates
        if capability is None or user.has_capability(capability)
    ]


def members_card(user) -> Card:
    return Card(
        key="members",
        title=_("Members"),
        links=_links(
            user,
            (_("Members"), "members:list", None, True),
            (_("New member"), "members:create", "members.edit", False),
            (_("Roster upload"), "members:roster_upload", "members.upload", False),
            (_("Download the roster template"), "members:roster_template", "members.upload", False),
            (_("Access log"), "members:access_log", "audit.read", False),
        ),
    )


def transfers_card(user) -> Card:
    counts = pending_transfer_counts(actor=user)
    transfers = reverse("members:transfers")
    return Card(
        key="transfers",
        title=_("Membership transfers"),
        figures=[
            Figure(
                _("waiting for your side's decision"), counts["incoming"], f"{transfers}?direction=incoming",
                attention=bool(counts["incoming"]) and user.has_capability("members.confirm_transfer"),
            ),
            Figure(_("asked by your side, waiting"), counts["outgoing"], f"{transfers}?direction=outgoing"),
        ],
        links=_links(
            user,
            (_("Ask for a member of another union"), "members:transfer_in", "members.transfer", False),
        ),
    )


def uploads_card(user) -> Card | None:
    pages = upload_pages(actor=user)
    if not pages:
        return None
    return Card(
        key="uploads",
        title=_("Recent uploads"),
        links=[Link(page.label, page.url) for page in pages],
        body="dashboard/_recent_uploads.html",
        context={"uploads": recent_uploads(actor=user)},
    )


def ledger_card(user) -> Card:
    return Card(
        key="ledger",
        title=_("Employer ledger"),
        links=_links(
            user,
            (_("Employer units"), "employers:employer_list", None, True),
            (_("Union establishment rate"), "employers:rate", None, False),
            (_("New-sector coverage"), "employers:new_sector", None, False),
            (_("Work instructors"), "employers:instructor_list", None, False),
            (_("Demonstration sites"), "employers:site_list", None, False),
            (_("Upload ledger"), "employers:employer_import_upload", "employers.upload", False),
            (_("New employer unit"), "employers:employer_create", "employers.edit", False),
        ),
    )


def competitions_card(user) -> Card:
    competitions = reverse("competitions:list")
    return Card(
        key="competitions",
        title=_("Labor competitions"),
        figures=[Figure(_("competitions running"), running_competition_count(actor=user),
                        f"{competitions}?status=running")],
        links=_links(
            user,
            (_("Competitions"), "competitions:list", None, True),
            (_("New competition"), "competitions:create", "competitions.manage", False),
            (_("Honors"), "competitions:honor_list", None, False),
            (_("Innovation enterprises"), "competitions:enterprise_list", None, False),
            (_("Statistics"), "competitions:statistics", None, False),
        ),
    )


def events_card(user) -> Card:
    events = reverse("events:event_list")
    hazards = reverse("events:hazard_list")
    editor = user.has_capability("events.edit")
    counts = start_page_counts(actor=user)
    missing, overdue = counts["report_missing"], counts["overdue_hazards"]
    return Card(
        key="events",
        title=_("Events and safety"),
        figures=[
            Figure(_("events in the next 30 days"), counts["upcoming"], f"{events}?status=planned"),
            Figure(_("events over without a report"), missing, f"{events}?status=planned",
                   attention=bool(missing) and editor),
            Figure(_("hazards past their deadline"), overdue, f"{hazards}?state=overdue",
                   attention=bool(overdue) and user.has_capability("events.hazards")),
        ],
        links=_links(
            user,
            (_("Events"), "events:event_list", None, True),
            (_("Calendar"), "events:calendar", None, False),
            (_("New event"), "events:event_create", "events.edit", False),
            (_("Hazard register"), "events:hazard_list", None, False),
            (_("Event statistics"), "events:statistics", None, False),
        ),
    )


def reports_card(user) -> Card | None:
    """The download centre (apps.reports, a sibling layer: named by its URL only, never imported)."""
    if not user.has_capability("reports.view"):
        return None
    return Card(
        key="reports",
        title=_("Reports"),
        links=[Link(_("Download centre"), reverse("reports:centre"), primary=True)]
        + ([Link(_("Ask for a report"), reverse("reports:centre") + "#report-request")]
           if user.has_capability("reports.request") else []),
    )


# In the order the page shows them; a later app (assistance, events, ...) appends its own.
CARDS = [members_card, transfers_card, uploads_card, ledger_card, competitions_card, events_card, reports_card]


def cards_for(user) -> list[Card]:
    return [card for card in (build(user) for build in CARDS) if card is not None]
