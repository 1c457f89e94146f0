"""The .ics feed (RFC 5545) a phone calendar subscribes to: written by hand, it is a few lines
per event — text escaped (backslash, semicolon, comma, newline), lines folded at 75 octets,
times in UTC."""

import datetime

from django.urls import reverse
from django.utils import timezone

from .choices import EventStatus


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace(
        "\n", "\\n")


def _fold(line: str) -> str:
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def render_feed(events, *, request) -> str:
    host = request.get_host().split(":")[0] or "unionportal"
    now = _utc(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//UnionPortal//events//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + _escape("工会活动"), "X-WR-TIMEZONE:Asia/Shanghai"]
    for event in events:
        where = event.venue.name if event.venue_id else event.place
        lines += [
            "BEGIN:VEVENT", f"UID:event-{event.pk}@{host}", f"DTSTAMP:{now}",
            f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(event.ends_at)}",
            "SUMMARY:" + _escape(event.title), "LOCATION:" + _escape(where),
            "DESCRIPTION:" + _escape(f"{event.get_kind_display()} · {event.organization.name}"),
            "URL:" + request.build_absolute_uri(reverse("events:event_detail", kwargs={"pk": event.pk})),
            "STATUS:" + ("CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
