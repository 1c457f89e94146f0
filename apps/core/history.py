"""History rows for bulk writes: the set-based counterpart of django-simple-history's
per-save records, for paths that write thousands of rows with COPY or INSERT … SELECT."""

from django.db import models


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
