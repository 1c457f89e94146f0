"""The roster upload (DESIGN.md "Roster upload") on the shared pipeline of apps.core.

Rows are cleaned by apps.members.cleaning (the same rule as the member forms), a second
row with the same ID number is a duplicate, and clean rows are classified against the
current memberships of the whole city, one query per chunk:

- no current membership anywhere            → new
- current member of the target union         → updated (some field differs) or unchanged
- current member of ANOTHER union            → transfer conflict: never a silent move; on
                                               commit it becomes a transfer request that
                                               the other union decides, if the name agrees

Commit is set-based SQL from the staged rows (INSERT … SELECT, UPDATE … FROM) with the
simple-history rows and the kept member figures (apps.members.counts) written by the same
statements, so 100,000 rows take seconds, every changed member still has its history (who,
when, "roster upload") and the organization's figures are exact when the commit ends.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max
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
from ..services import match_employer, record_id_lookup, request_transfer
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
    commit_chunk_size = 5000  # file rows per commit statement (progress between them)

    def __init__(self, *, job):
        super().__init__(job=job)
        self._employers: dict[str, int | None] = {}
        self._choices: dict = {}
        self._cells: dict = {}  # clean_member_input's cache of repeated cells, this upload only
        self._last_row: int | None = None  # the last staged row number (commit)

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
            None: _("This person is a current member of another union organization; committing asks that "
                    "union for a membership transfer to this union, if the name agrees with its record."),
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
        created = self._in_row_ranges(self._insert_new_sql(), params, written=0)
        updated = self._update_changed(fields, params, written=created)
        requested, skipped = self._request_transfers(actor, written=created + updated)
        return {"created": created, "updated": updated, "transfers_requested": requested,
                "transfers_not_requested": skipped}

    def _execute(self, sql: str, params: dict) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _in_row_ranges(self, sql: str, params: dict, *, written: int) -> int:
        """Run a set-based statement over the staged rows one range of file rows at a time
        (the statement filters on %(after)s < row_number <= %(upto)s), reporting progress
        after each: still a few statements for 100,000 rows, in the caller's transaction."""
        done = 0
        if self._last_row is None:
            self._last_row = ImportRow.objects.filter(job=self.job).aggregate(last=Max("row_number"))["last"] or 0
        for after in range(0, self._last_row, self.commit_chunk_size):
            done += self._execute(sql, {**params, "after": after, "upto": after + self.commit_chunk_size})
            self.report_written(written + done)
        return done

    def _staged_rows_sql(self, outcome: str, columns: str) -> str:
        return (
            f"SELECT {columns} FROM {ImportRow._meta.db_table} WHERE job_id = %(job)s AND outcome = '{outcome}' "
            f"AND row_number > %(after)s AND row_number <= %(upto)s"
        )

    def _insert_new_sql(self) -> str:
        values = [f for f in _TEXT_FIELDS if f != "employer_name"] + [
            "birth_date", "joined_on", "worker_category", "employer_name", "employer_id"]
        columns = ", ".join(
            [Member._meta.get_field(f).column for f in values]
            + ["organization_id", "status", "status_changed_on", "status_reason", "created_at", "updated_at"]
        )
        selected = ", ".join(_sql_value(f) for f in values)
        return (
            f"WITH src AS ({self._staged_rows_sql(Outcome.NEW, 'data AS d')}), "
            f"ins AS (INSERT INTO {Member._meta.db_table} ({columns}) "
            f"        SELECT {selected}, %(org)s, '{MemberStatus.ACTIVE}', %(today)s, '', %(now)s, %(now)s "
            f"        FROM src RETURNING *), "
            f"kept AS ({counts.delta_sql('SELECT organization_id, status, worker_category, joined_on, 1 FROM ins')}) "
        ) + history_insert_sql(Member, "ins", history_type="+")

    def _update_changed(self, fields: list[str], params: dict, *, written: int) -> int:
        expected = ImportRow.objects.filter(job=self.job, outcome=Outcome.UPDATED).count()
        if not expected:
            return 0
        # Only the columns the file has: a roster without phones does not wipe them.
        assignments = ", ".join(f"{Member._meta.get_field(f).column} = {_sql_value(f)}" for f in fields)
        staged = self._staged_rows_sql(Outcome.UPDATED, "target_id, data AS d")
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
        count = self._in_row_ranges(sql, params, written=written)
        if count != expected:
            raise StaleImport(f"{expected - count} members changed since validation")
        return count

    def _request_transfers(self, actor, *, written: int) -> tuple[int, int]:
        """Each conflict becomes a transfer request into this union (receiving side: the
        sending union decides), as the request form would make it: only when the file's name
        agrees with the member's, each lookup in the access log. None when one is already
        pending; the command line (no user) only reports them. A name that does not agree
        counts as "not requested", like a pending one, and the preview says the same for both."""
        requested = skipped = 0
        conflicts = ImportRow.objects.filter(job=self.job, outcome=Outcome.CONFLICT)
        names = dict(conflicts.values_list("target_id", "data__name"))
        via = _("roster upload %(file)s") % {"file": self.job.original_name}  # the request's reason too
        members = Member.objects.filter(pk__in=list(names)).select_related("organization")
        for member in members:
            if actor is None or not member.is_current or member.organization_id == self.organization.pk:
                skipped += 1
                continue
            matched = member.name == names[member.pk]
            record_id_lookup(
                actor=actor, id_number=member.id_number, found=member, matched=matched,
                organization=self.organization, via=via,
            )
            if not matched:
                skipped += 1
                continue
            try:
                request_transfer(
                    member=member, to_organization=self.organization, actor=actor,
                    reason=via, side=Transfer.Side.RECEIVING,
                )
                requested += 1
            except ValidationError:  # already pending: nothing new to ask
                skipped += 1
            if (requested + skipped) % 200 == 0:
                self.report_written(written + requested + skipped)
        return requested, skipped
