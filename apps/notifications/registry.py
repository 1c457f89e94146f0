"""Reminder rules, registered by the domain apps from their AppConfig.ready().

A rule finds what needs a reminder today and says who gets it; the runner
(apps.notifications.reminders) turns each into notifications keyed by
(rule, object, period), so running it again sends nothing new. Beat runs every rule
daily (django-celery-beat, database schedule: `run-reminder-rules`)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reminder:
    object_key: str  # "hardship_file:12"
    period: str  # what makes a new reminder due again: "2027-03-01", "v7"
    recipient_ids: tuple[int, ...]
    title: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReminderRule:
    code: str  # "assistance.reverification_due"
    label: str
    find: Callable[[datetime.date], Iterable[Reminder]]

    def key(self, reminder: Reminder) -> str:
        return f"{self.code}:{reminder.object_key}:{reminder.period}"[:200]


_RULES: dict[str, ReminderRule] = {}


def register_reminder_rule(rule: ReminderRule) -> None:
    _RULES[rule.code] = rule


def reminder_rules() -> list[ReminderRule]:
    return list(_RULES.values())


def reminder_rule(code: str) -> ReminderRule:
    return _RULES[code]
