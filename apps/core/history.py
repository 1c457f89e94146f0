"""Change history: the set-based history rows of bulk writes (the counterpart of
django-simple-history's per-save records, for paths that write thousands of rows with COPY
or INSERT … SELECT), and the one way pages show a record's history (HistoryEntry)."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


def history_insert_sql(model: type[models.Model], source: str, *, history_type: str) -> str:
    """INSERT … SELECT writing one simple-history row of `model` per row of `source`.

    `source` is what follows FROM: a table, CTE or subquery with the model's columns, and
    any WHERE. The statement takes the named parameters %(now)s (history date),
    %(reason)s (change reason) and %(user)s (user id or None); history_type is "+" for
    rows created, "~" for rows changed.
    """
    history = model.history.model
    tracked = ", ".join(f.column for f in history._meta.concrete_fields if not f.name.startswith("history_"))
    return (
        f"INSERT INTO {history._meta.db_table} ({tracked}, history_date, history_change_reason, "
        f"history_type, history_user_id) "
        f"SELECT {tracked}, %(now)s, %(reason)s, '{history_type}', %(user)s FROM {source}"
    )


@dataclass
class HistoryEntry:
    """One row of a record's change history as the pages show it."""

    when: datetime.datetime
    who: object  # the user, or None (a system job)
    action: str  # created / changed / deleted, translated
    reason: str  # why, as the reader should see it ("demo data", not "seed_demo")
    changes: list[tuple[str, object, object]]  # (field label, old, new); old/new None when hidden


_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def history_entries(
    records, *, model: type[models.Model], limit: int, included_fields=None, excluded_fields=(),
    hidden_fields=(),
) -> list[HistoryEntry]:
    """Turn simple-history records (newest first, `limit + 1` of them, users joined in) into
    entries with what changed against the record before. One query, made by the caller.
    `hidden_fields` are named as changed but their values are not shown (ID numbers)."""
    records = list(records)
    entries = []
    for record, older in zip(records[:limit], [*records[1 : limit + 1], None]):
        changes = []
        if older is not None:
            delta = record.diff_against(
                older, included_fields=included_fields, excluded_fields=list(excluded_fields) or None
            )
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                if change.field in hidden_fields:
                    changes.append((field.verbose_name, None, None))
                else:
                    changes.append((field.verbose_name, _display(field, change.old), _display(field, change.new)))
        entries.append(HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            action=_ACTIONS.get(record.history_type, record.history_type),
            reason=change_reason_display(record.history_change_reason),
            changes=changes,
        ))
    return entries


def _display(field, value):
    return dict(field.flatchoices).get(value, value) if field.choices else value


# The change reason the demo data is written with (demo/, `manage.py seed_demo`): a key,
# not words, so rows written before a translation changed still read right.
DEMO_DATA_REASON = "seed_demo"

# Internal change reasons and what a reader is shown instead (issue 14: the history said
# "seed_demo"). Reasons people wrote themselves are shown as written.
_INTERNAL_REASONS = {DEMO_DATA_REASON: _("demo data")}


def change_reason_display(reason: str | None) -> str:
    """A history row's change reason as the page shows it: internal keys in words."""
    if not reason:
        return ""
    return str(_INTERNAL_REASONS.get(reason, reason))
