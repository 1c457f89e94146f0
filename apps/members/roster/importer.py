"""The roster upload (DESIGN.md "Roster upload") on the shared pipeline of apps.core.

Rows are cleaned by apps.members.cleaning (the same rule as the member forms), a second
row with the same ID number is a duplicate, and clean rows are classified against the
current memberships of the whole city, one query per chunk:

- no current membership anywhere            → new
- current member of the target union         → updated (some field differs) or unchanged
- current member of ANOTHER union            → transfer conflict: never a silent move; on
                                               commit it becomes a transfer request

Commit is set-based SQL from the staged rows (INSERT … SELECT, UPDATE … FROM) with the
simple-history rows and the kept member figures (apps.members.counts) written by the same
statements, so 100,000 rows take seconds, every changed member still has its history (who,
when, "roster upload") and the organization's figures are exact when the commit ends.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.history import history_insert_sql
from apps.core.privacy import mask_id_number, mask_phone
from apps.core.spreadsheets.columns import Column, HeaderMap
from apps.imports.importer import BaseImporter, StagedRow, StaleImport
from apps.imports.models import ImportRow

from .. import counts
from ..cleaning import clean_member_input, parse_word
from ..models import CURRENT_STATUSES, Member, MemberStatus, Sex, Transfer, WorkerCategory
from ..services import match_employer, request_transfer
from .columns import ROSTER_COLUMNS

Outcome = ImportRow.Outcome

# How each stored field is read back from a staged row's JSON in the commit SQL.
_SQL_VALUE = {
    "birth_date": "(d->>'birth_date')::date",
    "joined_on": "(d->>'joined_on')::date",
    "employer_id": "(d->>'employer_id')::bigint",
    "worker_category": f"COALESCE(NULLIF(d->>'worker_category', ''), '{WorkerCategory.REGULAR}')",
}
# The choice columns parsed here, once per distinct cell; sex goes through
# clean_member_input, which checks it against the ID number.
_CHOICE_FIELDS = ("ethnicity", "political_status", "education", "worker_category")
_TEXT_FIELDS = ("name", "id_number", "sex", "phone", "ethnicity", "political_status", "education",
                "employer_name", "card_number")


def _sql_value(field: str) -> str:
    return _SQL_VALUE.get(field, f"COALESCE(d->>'{field}', '')")


class RosterImporter(BaseImporter):
    columns: tuple[Column, ...] = ROSTER_COLUMNS
    key_fields = ("id_number",)
    capability = "members.upload"

    def __init__(self, *, job):
        super().__init__(job=job)
        self._employers: dict[str, int | None] = {}
        self._choices: dict = {}
        self._cells: dict = {}  # clean_member_input's cache of repeated cells, this upload only

    # --- validation ----------------------------------------------------------------------

    def clean_row(self, row: StagedRow, values: dict, headers: HeaderMap) -> None:
        values = dict(values)
        choices, errors = {}, {}
        for field in _CHOICE_FIELDS:
            if field in values:
                result = self._choice(field, values.pop(field))
                if isinstance(result, ValidationError):
                    errors[field] = result.messages
                else:
                    choices[field] = result
        try:
            row.data = clean_member_input(values, cache=self._cells)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            for column in self.columns:  # in the file's column order, as the clerk reads it
                for message in errors.get(column.field, ()):
                    row.error(headers.headers.get(column.field, column.header), message)
            return
        row.data.update(choices)
        if "worker_category" in choices and not choices["worker_category"]:
            row.data["worker_category"] = WorkerCategory.REGULAR
        if "employer_name" in values:
            row.data["employer_id"] = self._employer_id(row.data["employer_name"])

    def _choice(self, field: str, raw):
        # The choice columns hold a handful of distinct words; parse_word (the members
        # rule) runs once per distinct word instead of once per row.
        key = (field, raw if isinstance(raw, str) else repr(raw))
        if key not in self._choices:
            try:
                self._choices[key] = parse_word(field, raw)
            except ValidationError as exc:
                self._choices[key] = exc
        return self._choices[key]

    def _employer_id(self, name: str) -> int | None:
        # One lookup per distinct employer name (a union's roster names a handful).
        if name not in self._employers:
            employer = match_employer(employer_name=name, organization=self.organization)
            self._employers[name] = employer.pk if employer else None
        return self._employers[name]

    def duplicate_message(self, first_row: int) -> str:
        return _("This resident ID number is already on row %(row)d of this file.") % {"row": first_row}

    def _compared(self, rows: list[StagedRow]) -> list[str]:
        return [f for f in rows[0].data if f != "id_number"]

    def lookup(self, rows: list[StagedRow]) -> dict:
        """ID number → (id, organization, compared fields…) of the current memberships."""
        columns = ", ".join(Member._meta.get_field(f).column for f in self._compared(rows))
        # Positional tuples, not model instances or dicts (100,000 rows).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id_number, id, organization_id, {columns} FROM {Member._meta.db_table} "
                "WHERE id_number = ANY(%s) AND status = ANY(%s)",
                [[r.data["id_number"] for r in rows], [str(s) for s in CURRENT_STATUSES]],
            )
            return {found[0]: found[1:] for found in cursor.fetchall()}

    def classify(self, rows: list[StagedRow], current: dict) -> None:
        compared = self._compared(rows)
        conflicts = []
        for row in rows:
            member = current.get(row.data["id_number"])
            if member is None:
                row.outcome = Outcome.NEW
                continue
            row.target_id, organization_id, *values = member
            if organization_id != self.organization.pk:
                row.outcome = Outcome.CONFLICT
                conflicts.append(row)
                continue
            changed = [f for f, value in zip(compared, values, strict=True) if row.data.get(f) != value]
            row.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            row.messages = [[f, ""] for f in changed]
        self._note_pending_transfers(conflicts)

    def _note_pending_transfers(self, conflicts: list[StagedRow]) -> None:
        if not conflicts:
            return
        pending = dict(
            Transfer.objects.filter(
                member_id__in=[r.target_id for r in conflicts], status=Transfer.Status.PENDING
            ).values_list("member_id", "to_organization_id")
        )
        messages = {
            None: _("This person is a current member of another union organization; committing asks for a "
                    "membership transfer to this union."),
            self.organization.pk: _("This person is a current member of another union organization; a "
                                    "transfer to this union is already waiting for a decision."),
        }
        elsewhere = _("This person is a current member of another union organization and a transfer to a "
                      "third union is already waiting for a decision.")
        for row in conflicts:
            row.messages = [["", messages.get(pending.get(row.target_id), elsewhere)]]

    def describe(self, data: dict) -> dict:
        sex = data.get("sex")
        return {
            **data, "id_number": mask_id_number(data.get("id_number")), "phone": mask_phone(data.get("phone")),
            "sex": Sex(sex).label if sex in Sex.values else "",
        }

    # --- commit ----------------------------------------------------------------------------

    def commit(self, *, actor) -> dict[str, int]:
        fields = [f for f in self.job.summary.get("columns", {}) if f != "id_number"]
        if "employer_name" in fields:
            fields.append("employer_id")
        params = {
            "job": self.job.pk, "org": self.organization.pk, "now": timezone.now(),
            "today": timezone.localdate(), "user": getattr(actor, "pk", None),
            "reason": (_("roster upload %(file)s") % {"file": self.job.original_name})[:100],
        }
        created = self._insert_new(params)
        updated = self._update_changed(fields, params)
        requested, skipped = self._request_transfers(actor)
        return {"created": created, "updated": updated, "transfers_requested": requested,
                "transfers_not_requested": skipped}

    def _execute(self, sql: str, params: dict) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _insert_new(self, params: dict) -> int:
        values = [f for f in _TEXT_FIELDS if f != "employer_name"] + [
            "birth_date", "joined_on", "worker_category", "employer_name", "employer_id"]
        columns = ", ".join(
            [Member._meta.get_field(f).column for f in values]
            + ["organization_id", "status", "status_changed_on", "status_reason", "created_at", "updated_at"]
        )
        selected = ", ".join(_sql_value(f) for f in values)
        sql = (
            f"WITH src AS (SELECT data AS d FROM {ImportRow._meta.db_table} "
            f"            WHERE job_id = %(job)s AND outcome = '{Outcome.NEW}'), "
            f"ins AS (INSERT INTO {Member._meta.db_table} ({columns}) "
            f"        SELECT {selected}, %(org)s, '{MemberStatus.ACTIVE}', %(today)s, '', %(now)s, %(now)s "
            f"        FROM src RETURNING *), "
            f"kept AS ({counts.delta_sql('SELECT organization_id, status, worker_category, joined_on, 1 FROM ins')}) "
        ) + history_insert_sql(Member, "ins", history_type="+")
        return self._execute(sql, params)

    def _update_changed(self, fields: list[str], params: dict) -> int:
        expected = ImportRow.objects.filter(job=self.job, outcome=Outcome.UPDATED).count()
        if not expected:
            return 0
        # Only the columns the file has: a roster without phones does not wipe them.
        assignments = ", ".join(f"{Member._meta.get_field(f).column} = {_sql_value(f)}" for f in fields)
        staged = (f"SELECT target_id, data AS d FROM {ImportRow._meta.db_table} "
                  f"WHERE job_id = %(job)s AND outcome = '{Outcome.UPDATED}'")
        members = (f"m.organization_id = %(org)s "
                   f"AND m.status IN ('{MemberStatus.ACTIVE}', '{MemberStatus.RETAINED}')")
        old, source, kept = "", f"({staged}) r WHERE m.id = r.target_id AND {members}", ""
        if {"worker_category", "joined_on"} & set(fields):
            # The kept figures move from the rows as they were to the rows as updated, in this
            # statement: `old` reads and locks the rows (FOR UPDATE: their latest version, which
            # nobody can change until the commit) and drives the UPDATE.
            key = "organization_id, status, worker_category, joined_on"
            old = (f"old AS (SELECT m.id, m.{key.replace(', ', ', m.')}, r.d FROM {Member._meta.db_table} m "
                   f"        JOIN ({staged}) r ON m.id = r.target_id WHERE {members} FOR UPDATE OF m), ")
            source = "old r WHERE m.id = r.id"
            kept = f", kept AS ({counts.delta_sql(f'SELECT {key}, -1 FROM old UNION ALL SELECT {key}, 1 FROM upd')})"
        sql = (
            f"WITH {old}upd AS (UPDATE {Member._meta.db_table} m SET {assignments}, updated_at = %(now)s "
            f"             FROM {source} RETURNING m.*){kept} "
        ) + history_insert_sql(Member, "upd", history_type="~")
        count = self._execute(sql, params)
        if count != expected:
            raise StaleImport(f"{expected - count} members changed since validation")
        return count

    def _request_transfers(self, actor) -> tuple[int, int]:
        """Each conflict becomes a transfer request into this union (receiving side), unless
        one is already pending; the command line (no user) only reports them."""
        requested = skipped = 0
        targets = ImportRow.objects.filter(job=self.job, outcome=Outcome.CONFLICT).values_list("target_id", flat=True)
        members = Member.objects.filter(pk__in=list(targets)).select_related("organization")
        for member in members:
            if actor is None or not member.is_current or member.organization_id == self.organization.pk:
                skipped += 1
                continue
            try:
                request_transfer(
                    member=member, to_organization=self.organization, requested_by=actor,
                    reason=_("roster upload %(file)s") % {"file": self.job.original_name},
                    side=Transfer.Side.RECEIVING,
                )
                requested += 1
            except ValidationError:  # already pending: nothing new to ask
                skipped += 1
        return requested, skipped
