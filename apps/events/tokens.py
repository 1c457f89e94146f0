"""The check-in link's token (issue 18 item 2): signed, for one event, valid in a window.

The token is django.core.signing over (event id, the event's start as a Unix second), with
a salt of its own, so it cannot be forged without SECRET_KEY, names one event alone, and
goes stale when the event is moved to another time. When it may be used is decided by the
event's times at the moment of use — from CHECKIN_OPENS_BEFORE before the start to the
end — not by the token's age, so one QR code printed in advance serves the whole event.
"""

import datetime
from enum import Enum

from django.core import signing
from django.utils import timezone

SALT = "apps.events.checkin"
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=60)


class TokenState(Enum):
    VALID = "valid"
    INVALID = "invalid"  # forged, damaged, for another event, or for the event's old time
    NOT_YET = "not_yet"
    CLOSED = "closed"


def checkin_token(event) -> str:
    return signing.dumps({"e": event.pk, "s": int(event.starts_at.timestamp())}, salt=SALT, compress=False)


def token_state(token: str, event, *, now: datetime.datetime | None = None) -> TokenState:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return TokenState.INVALID
    if not isinstance(payload, dict) or payload.get("e") != event.pk or payload.get(
        "s"
    ) != int(event.starts_at.timestamp()):
        return TokenState.INVALID
    now = now or timezone.now()
    if now < event.starts_at - CHECKIN_OPENS_BEFORE:
        return TokenState.NOT_YET
    if now > event.ends_at:
        return TokenState.CLOSED
    return TokenState.VALID


def checkin_opens_at(event) -> datetime.datetime:
    return event.starts_at - CHECKIN_OPENS_BEFORE
