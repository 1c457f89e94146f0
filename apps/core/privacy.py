"""Masking of personal identifiers and the record of every full read (DESIGN.md "Data rules").

A resident ID number is shown as 14 asterisks and its last 4 characters; where a
birth date appears beside it, only the year is shown (region + birth date + sequence
would give the number back). The full value is shown only through an explicit action
by a user holding the right, and that action is written to the access log
(apps.accounts.services.record_sensitive_access) — never the value itself, and never in
a URL or a log line.
"""

import datetime

ID_MASK = "*" * 14


def mask_id_number(id_number: str | None) -> str:
    """ "**************1234": the last 4 characters only; never the birth-date digits."""
    if not id_number:
        return ""
    return ID_MASK + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """ "138****5678": operator prefix and last 4 digits."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# The same two masks as SQL expressions over a text column, for exports whose rows the
# database renders (apps.members.exports); tests hold them equal to the functions above.


def mask_id_number_sql(expr: str) -> str:
    return f"(CASE WHEN coalesce({expr}, '') = '' THEN '' ELSE '{ID_MASK}' || right({expr}, 4) END)"


def mask_phone_sql(expr: str) -> str:
    return (f"(CASE WHEN coalesce({expr}, '') = '' THEN '' "
            f"WHEN char_length({expr}) < 8 THEN repeat('*', char_length({expr})) "
            f"ELSE left({expr}, 3) || repeat('*', char_length({expr}) - 7) || right({expr}, 4) END)")


def birth_year(birth_date: datetime.date | None) -> str:
    """What is shown of a birth date next to a masked ID number."""
    return str(birth_date.year) if birth_date else ""
