"""Every write of events, registrations, check-ins, figures, registries and hazards (issue 18).

Each service checks its own capability and scope (a view is never the only guard), runs in
one transaction and refuses bad input with a ValidationError that names the field, writing
nothing: an end before the start, a negative figure (the form and the database), registering
twice, a check-in with a stale, forged or foreign token or a wrong last 4, a hazard rectified
before it was found.

Event lifecycle: planned → held (with the report; after its start) or planned → cancelled
(with the reason). A held event keeps its figures editable by its organizer.
"""

import datetime
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import CAPABILITIES
from apps.core.attachments import IMAGES, checked_upload
from apps.core.permissions import require_capability
from apps.core.ratelimit import take_one_for_each
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, require_in_scope

from .choices import EventKind, EventStatus
from .models import (
    CalendarFeed,
    CheckIn,
    Event,
    EventPhoto,
    Hazard,
    JobFairFigure,
    Lecturer,
    Registration,
    Talk,
    TrainingFigure,
    Venue,
    new_feed_token,
)
from .selectors import employers_for_hazards, lecturers_usable_by, venues_usable_by
from .tokens import TokenState, token_state

EVENT_FIELDS = ("kind", "title", "venue", "place", "mode", "target_group", "starts_at", "ends_at",
                "expected_attendance", "online_views", "registration_open")
MAX_PHOTOS = 20


def holders(capability: str, organization: Organization) -> list[int]:
    """Active users holding `capability` at `organization` or above it."""
    prefixes = [organization.path[: i + 1] for i, c in enumerate(organization.path) if c == "/" and i > 0]
    return list(User.objects.filter(is_active=True, role__in=CAPABILITIES[capability],
                                    organization__path__in=prefixes).values_list("pk", flat=True))


def _nonnegative(data: dict, *fields: str) -> None:
    errors = {f: _("This cannot be negative.") for f in fields if data.get(f) is not None and data[f] < 0}
    if errors:
        raise ValidationError(errors)


def _check_event_data(*, actor, data: dict) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("The event must end after it starts.")})
    _nonnegative(data, "expected_attendance", "online_views")
    venue = data.get("venue")
    if venue is not None and not venues_usable_by(actor).filter(pk=venue.pk).exists():
        raise ValidationError({"venue": _("This venue is not in your registry.")})
    speakers = list(data.get("speakers") or [])
    if speakers and lecturers_usable_by(actor).filter(pk__in=[s.pk for s in speakers]).count() != len(speakers):
        raise ValidationError({"speakers": _("A chosen lecturer is not in your registry.")})


@transaction.atomic
def create_event(*, actor, organization: Organization, data: dict) -> Event:
    """A planned event of `organization` (in the actor's scope), with its speakers."""
    require_capability(actor, "events.edit")
    require_in_scope(actor, organization=organization)
    _check_event_data(actor=actor, data=data)
    event = Event(organization=organization, created_by=actor, **{f: data[f] for f in EVENT_FIELDS if f in data})
    event.full_clean()
    event.save()
    event.speakers.set(data.get("speakers") or [])
    return event


@transaction.atomic
def update_event(*, actor, event: Event, data: dict) -> Event:
    """Change an event that is not cancelled. Moving its time makes earlier check-in links stale."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be changed."))
    _check_event_data(actor=actor, data=data)
    for field in EVENT_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    event.full_clean()
    event.save()
    if "speakers" in data:
        event.speakers.set(data["speakers"] or [])
    return event


@transaction.atomic
def mark_event_held(*, actor, event: Event, report: str, reported_attendance: int | None,
                    online_views: int | None, now: datetime.datetime | None = None) -> Event:
    """planned → held: only once it has started, with a short report; the organizer's audience
    figure counts only while nobody checked in (the page says which figure it shows)."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be marked held."))
    if event.starts_at > now:
        raise ValidationError(_("An event can be marked held only once it has started."))
    if not (report or "").strip():
        raise ValidationError({"report": _("Write a short report of the event.")})
    _nonnegative({"reported_attendance": reported_attendance, "online_views": online_views},
                 "reported_attendance", "online_views")
    event.status = EventStatus.HELD
    event.report = report.strip()
    event.reported_attendance = reported_attendance
    if online_views is not None:
        event.online_views = online_views
    event.held_recorded_by = actor
    event.save()
    return event


@transaction.atomic
def cancel_event(*, actor, event: Event, reason: str) -> Event:
    """planned → cancelled, with the reason; a held event stays held."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PLANNED:
        raise ValidationError(_("Only a planned event can be cancelled."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason.strip()[:300]
    event.save()
    return event


def add_photo(*, actor, event: Event, upload) -> EventPhoto:
    """A JPEG or PNG of a held event, checked by content and re-encoded (apps.core.attachments),
    kept in private storage and served only by the scoped view."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    event = Event.objects.get(pk=event.pk)
    if event.status != EventStatus.HELD:
        raise ValidationError(_("Photos are added once the event is held."))
    if event.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("An event keeps at most %(n)d photos.") % {"n": MAX_PHOTOS})
    checked = checked_upload(upload, allowed=IMAGES)
    photo = EventPhoto(event=event, original_name=checked.name, content_type=checked.content_type,
                       size=len(checked.content), uploaded_by=actor)
    photo.stored.save(checked.storage_name, checked.as_file(), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        photo.stored.delete(save=False)
        raise
    return photo


# --- kind-specific figures --------------------------------------------------------------------


@transaction.atomic
def record_training_figures(*, actor, event: Event, rows: list[dict]) -> int:
    """A safety training's sessions and trainees: rows of {employer (or None for a total),
    sessions, trainees}; replaces what was recorded. Employers must be visible to the actor."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    if event.kind != EventKind.SAFETY_TRAINING:
        raise ValidationError(_("Sessions and trainees are recorded for safety trainings."))
    employers = [r["employer"].pk for r in rows if r.get("employer") is not None]
    if len(set(employers)) != len(employers):
        raise ValidationError(_("Each employer unit once, please."))
    if employers and employers_for_hazards(actor).filter(pk__in=employers).count() != len(set(employers)):
        raise ValidationError(_("An employer unit lies outside your scope."))
    if sum(1 for r in rows if r.get("employer") is None) > 1:
        raise ValidationError(_("Only one row without an employer unit (the total)."))
    for r in rows:
        _nonnegative(r, "sessions", "trainees")
        if (r.get("sessions") or 0) < 1:
            raise ValidationError({"sessions": _("A training has at least one session.")})
    event.training_figures.all().delete()
    TrainingFigure.objects.bulk_create(
        TrainingFigure(event=event, employer=r.get("employer"), sessions=r["sessions"], trainees=r["trainees"])
        for r in rows
    )
    return len(rows)


@transaction.atomic
def record_job_fair(*, actor, event: Event, employers: int, positions: int, applicants: int, hires: int
                    ) -> JobFairFigure:
    """A job fair's employers, positions offered, applicants and hires (hires ≤ applicants)."""
    require_capability(actor, "events.edit")
    ensure_visible(actor, event.organization)
    if event.kind != EventKind.JOB_FAIR:
        raise ValidationError(_("These figures are recorded for job fairs."))
    values = {"employers": employers, "positions": positions, "applicants": applicants, "hires": hires}
    _nonnegative(values, *values)
    if hires > applicants:
        raise ValidationError({"hires": _("There cannot be more hires than applicants.")})
    figure, _created = JobFairFigure.objects.update_or_create(event=event, defaults=values)
    return figure


# --- registrations and check-in --------------------------------------------------------------


def normalize_last4(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def normalize_name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _registrable(actor, event: Event, *, capability: str | None = "events.edit") -> Event:
    if capability:
        require_capability(actor, capability)
    ensure_visible(actor, event.organization)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PLANNED or event.is_past:
        raise ValidationError(_("Registration is closed: the event is over or cancelled."))
    return event


def _save_registration(registration: Registration) -> Registration:
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s is already registered for this event.") % {"name": registration.name},
                              code="registered_twice") from exc
    return registration


@transaction.atomic
def register_member(*, actor, event: Event, member) -> Registration:
    """A member of the roll (in the actor's scope) registered by the organizer; the check-in
    matches the member's name and the last 4 of their ID number or phone."""
    event = _registrable(actor, event)
    ensure_visible(actor, member.organization)
    return _save_registration(Registration(
        event=event, member=member, name=normalize_name(member.name), id_last4=member.id_number[-4:],
        phone_last4=(member.phone or "")[-4:], group=member.organization.name, registered_by=actor,
    ))


@transaction.atomic
def register_self(*, actor, event: Event) -> Registration:
    """A signed-in user registers themselves for an event in their scope (their phone's last 4)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    event = _registrable(actor, event, capability=None)
    if not event.registration_open:
        raise ValidationError(_("The organizer closed registration for this event."))
    if not actor.phone:
        raise ValidationError(_("Add your mobile phone to your account first: the check-in asks its last 4."))
    name = normalize_name(actor.get_full_name() or actor.username)
    return _save_registration(Registration(event=event, user=actor, name=name, phone_last4=actor.phone[-4:],
                                           registered_by=actor))


@transaction.atomic
def register_group(*, actor, event: Event, group: str, people: list[tuple[str, str]]) -> list[Registration]:
    """A group the organizer registers at once: (name, last 4 of the ID number or phone) per
    person. All or nothing: a person already registered refuses the whole list."""
    event = _registrable(actor, event)
    if not people:
        raise ValidationError({"people": _("Write one person per line: name and the last 4 characters.")})
    made = []
    for name, last4 in people:
        name, last4 = normalize_name(name), normalize_last4(last4)
        if not name or len(last4) != 4 or not last4.isalnum():
            raise ValidationError({"people": _("%(line)s: write the name and the last 4 characters of the ID "
                                               "number or phone.") % {"line": f"{name} {last4}".strip()}})
        # The same 4 characters could end an ID number or a phone: stored as the ID's when it ends in X
        # or when the group lists ID numbers; the check-in compares against both columns.
        made.append(_save_registration(Registration(event=event, name=name, id_last4=last4, group=group[:200],
                                                    registered_by=actor)))
    return made


@transaction.atomic
def remove_registration(*, actor, registration: Registration) -> None:
    require_capability(actor, "events.edit")
    ensure_visible(actor, registration.event.organization)
    if hasattr(registration, "checkin"):
        raise ValidationError(_("A person who checked in stays on the list."))
    registration.delete()


class CheckInRefused(Exception):
    """Nothing written; `reason` is what the phone shows (the same for every unknown person);
    `limited` when too many tries were made (the page answers 429)."""

    def __init__(self, reason: str, state: TokenState | None = None, *, limited: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.state = state
        self.limited = limited


# The public check-in form: per address (a venue's Wi-Fi puts hundreds of phones behind one,
# so this only stops a script) and per event and name (guessing someone's 4 characters).
# Settings may override the per-address limit (EVENTS_CHECKIN_LIMIT_PER_ADDRESS).
CHECKIN_LIMIT_PER_ADDRESS = (1000, 600)
CHECKIN_LIMIT_PER_NAME = (6, 600)

# The whole check-in in one statement (one round trip, its own transaction): the first
# registration of that name whose last 4 of the ID number or phone match, its check-in row
# (ON CONFLICT DO NOTHING: of two phones pressing at the same moment one row goes in), and
# the event's kept count, raised only when the row went in.
_CHECK_IN_SQL = f"""
WITH match AS (
    SELECT id, name FROM {Registration._meta.db_table}
    WHERE event_id = %(event)s AND name = %(name)s AND %(last4)s <> ''
      AND (id_last4 = %(last4)s OR phone_last4 = %(last4)s)
    ORDER BY id LIMIT 1
), arrived AS (
    INSERT INTO {CheckIn._meta.db_table} (registration_id, event_id, "at")
    SELECT id, %(event)s, %(now)s FROM match
    ON CONFLICT (registration_id) DO NOTHING RETURNING registration_id
), counted AS (
    UPDATE {Event._meta.db_table} SET checkin_count = checkin_count + 1
    WHERE id = %(event)s AND EXISTS (SELECT 1 FROM arrived) RETURNING id
)
SELECT match.id, match.name, EXISTS (SELECT 1 FROM counted) FROM match
"""


def check_in(*, event: Event | int, token: str, name: str, last4: str, client: str = "",
             now: datetime.datetime | None = None) -> tuple[Registration, bool]:
    """Check a registered person in from the public page: the token must be valid now for this
    event (tokens.py), the tries of this address (`client`) and of this name at this event
    within their limits, and name + the last 4 of the ID number or phone must match one
    registration. Returns (registration, new): a second check-in counts nothing.

    Reveals nothing about who is registered: an unknown name, a wrong last 4 and a name
    registered twice with other characters all give the same answer, after the same work
    (one indexed look-up of the event's registrations of that name).

    The phone's hot path, so the least work that keeps these rules: one token check, one
    round trip to Redis for both limits, one SQL statement; no session, no transaction of
    our own (the statement is one)."""
    now = now or timezone.now()
    if not isinstance(event, Event):
        event = Event.objects.filter(pk=event).only("id", "starts_at", "ends_at", "status").first()
    state = token_state(token, event, now=now) if event is not None else TokenState.INVALID
    if state != TokenState.VALID:
        raise CheckInRefused(_("This check-in link is not valid now."), state)
    if event.status == EventStatus.CANCELLED:
        raise CheckInRefused(_("This event was cancelled."), TokenState.CLOSED)
    name, given = normalize_name(name), normalize_last4(last4)[-4:]
    limits = {f"ratelimit:checkin:{event.pk}:{name}": CHECKIN_LIMIT_PER_NAME}
    if client:
        limits[f"ratelimit:checkin:addr:{client}"] = getattr(settings, "EVENTS_CHECKIN_LIMIT_PER_ADDRESS",
                                                             CHECKIN_LIMIT_PER_ADDRESS)
    if not take_one_for_each(limits):
        raise CheckInRefused(_("Too many tries. Wait a few minutes, or ask the organizer at the entrance."),
                             TokenState.VALID, limited=True)
    with connection.cursor() as cursor:
        cursor.execute(_CHECK_IN_SQL, {"event": event.pk, "name": name, "last4": given if len(given) == 4 else "",
                                       "now": now})
        found = cursor.fetchone()
    if found is None:
        raise CheckInRefused(_("We could not check you in with this name and these 4 characters. Check them, or "
                               "ask the organizer at the entrance."), TokenState.VALID)
    registration_id, registered_name, is_new = found
    return Registration(pk=registration_id, event_id=event.pk, name=registered_name), is_new


# --- registries -------------------------------------------------------------------------------

LECTURER_FIELDS = ("name", "group", "title", "is_model_worker", "phone", "active")
VENUE_FIELDS = ("name", "address", "capacity", "active")


@transaction.atomic
def save_lecturer(*, actor, organization: Organization, data: dict, lecturer: Lecturer | None = None,
                  talks: list[str] = ()) -> Lecturer:
    """A lecturer of the registry kept by `organization` (in scope); their talks, one per line."""
    require_capability(actor, "events.registry")
    require_in_scope(actor, organization=organization)
    if lecturer is not None:
        ensure_visible(actor, lecturer.organization)
    lecturer = lecturer or Lecturer()
    lecturer.organization = organization
    for field in LECTURER_FIELDS:
        if field in data:
            setattr(lecturer, field, data[field])
    lecturer.full_clean()
    lecturer.save()
    titles = list(dict.fromkeys(t.strip()[:200] for t in talks if t.strip()))
    lecturer.talks.exclude(title__in=titles).delete()
    existing = set(lecturer.talks.values_list("title", flat=True))
    Talk.objects.bulk_create(Talk(lecturer=lecturer, title=t) for t in titles if t not in existing)
    return lecturer


@transaction.atomic
def save_venue(*, actor, organization: Organization, data: dict, venue: Venue | None = None) -> Venue:
    require_capability(actor, "events.registry")
    require_in_scope(actor, organization=organization)
    if venue is not None:
        ensure_visible(actor, venue.organization)
    venue = venue or Venue()
    venue.organization = organization
    for field in VENUE_FIELDS:
        if field in data:
            setattr(venue, field, data[field])
    venue.full_clean()
    venue.save()
    return venue


# --- hazards ----------------------------------------------------------------------------------

HAZARD_FIELDS = ("employer", "event", "found_on", "place", "description", "severity", "deadline")


def _check_hazard(*, actor, data: dict) -> None:
    employer = data.get("employer")
    if employer is None or not employers_for_hazards(actor).filter(pk=employer.pk).exists():
        raise ValidationError({"employer": _("Choose an employer unit in your scope.")})
    event = data.get("event")
    if event is not None:
        ensure_visible(actor, event.organization)
    if data["deadline"] < data["found_on"]:
        raise ValidationError({"deadline": _("The deadline cannot be before the hazard was found.")})


@transaction.atomic
def record_hazard(*, actor, organization: Organization, data: dict) -> Hazard:
    """A hazard found at an employer unit visible to the actor, kept by a union in scope."""
    require_capability(actor, "events.hazards")
    require_in_scope(actor, organization=organization)
    _check_hazard(actor=actor, data=data)
    hazard = Hazard(organization=organization, recorded_by=actor, **{f: data.get(f) for f in HAZARD_FIELDS})
    hazard.full_clean()
    try:
        with transaction.atomic():
            hazard.save()
    except IntegrityError as exc:
        raise ValidationError(_("This hazard is already in the register.")) from exc
    return hazard


@transaction.atomic
def update_hazard(*, actor, hazard: Hazard, data: dict) -> Hazard:
    require_capability(actor, "events.hazards")
    ensure_visible(actor, hazard.organization)
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.verified_on:
        raise ValidationError(_("A verified hazard is closed."))
    _check_hazard(actor=actor, data=data)
    for field in HAZARD_FIELDS:
        if field in data:
            setattr(hazard, field, data[field])
    hazard.full_clean()
    hazard.save()
    return hazard


@transaction.atomic
def record_rectification(*, actor, hazard: Hazard, rectified_on: datetime.date, rectification: str) -> Hazard:
    """The employer put it right on `rectified_on` (not before it was found, not in the future)."""
    require_capability(actor, "events.hazards")
    ensure_visible(actor, hazard.organization)
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.verified_on:
        raise ValidationError(_("A verified hazard is closed."))
    if rectified_on < hazard.found_on:
        raise ValidationError({"rectified_on": _("A hazard cannot be rectified before it was found (%(date)s).")
                               % {"date": hazard.found_on.isoformat()}})
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": _("The rectification date cannot be in the future.")})
    if not (rectification or "").strip():
        raise ValidationError({"rectification": _("Say what was done.")})
    hazard.rectified_on, hazard.rectification = rectified_on, rectification.strip()
    hazard.save()
    return hazard


@transaction.atomic
def verify_rectification(*, actor, hazard: Hazard) -> Hazard:
    """Staff confirm a rectified hazard (a level above, never the one who recorded it)."""
    require_capability(actor, "events.verify")
    ensure_visible(actor, hazard.organization)
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.rectified_on is None:
        raise ValidationError(_("Only a rectified hazard can be verified."))
    if hazard.verified_on:
        raise ValidationError(_("This rectification is already verified."))
    if hazard.recorded_by_id == actor.pk and not actor.is_superuser:
        raise ValidationError(_("Someone other than the person who recorded the hazard verifies it."))
    hazard.verified_by, hazard.verified_on = actor, timezone.localdate()
    hazard.save()
    return hazard


# --- calendar feed ----------------------------------------------------------------------------


@transaction.atomic
def renew_calendar_feed(*, actor) -> CalendarFeed:
    """A new secret address for the actor's calendar feed; the old one stops working at once."""
    if not actor.is_authenticated:
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.update_or_create(user=actor, defaults={"token": new_feed_token()})
    return feed


@transaction.atomic
def revoke_calendar_feed(*, actor) -> None:
    CalendarFeed.objects.filter(user=actor).delete()
