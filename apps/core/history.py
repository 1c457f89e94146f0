"""History rows for bulk writes: the set-based counterpart of django-simple-history's
per-save records, for paths that write thousands of rows with COPY or INSERT … SELECT."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
