"""The hazard register upload (查保促, issue 18 item 4) on the shared pipeline of apps.imports.

Clerks keep hazards in Excel. The upload goes into one union organization in the uploader's
scope; every row's employer unit — named by its unified social credit code, or by its exact
name — must be visible from that union (its county, township or covering union lies in it).
A row is the same hazard as a register row with the same employer, date found, place and
description (the database's hazard_once): uploading the same file again changes nothing; a
later file may add the rectification (date and measures) to a hazard not yet verified.

Refused rows, each with its row, column and reason: an unknown or out-of-scope employer, a
deadline before the date found, a hazard rectified before it was found or in the future, a
severity we do not know, a second row for the same hazard.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.core.spreadsheets.columns import Column, HeaderMap
from apps.core.spreadsheets.writer import write_upload_template
from apps.core.validators import clean_text, normalize_credit_code, parse_date
from apps.employers.models import Employer
from apps.imports.importer import BaseImporter, StagedRow, StaleImport
from apps.imports.models import ImportRow

from .choices import Severity
from .models import Hazard

Outcome = ImportRow.Outcome
BATCH = 2000
SEVERITY_WORDS = {"general": ["一般", "一般隐患", "general"], "major": ["重大", "重大隐患", "major"]}
UPDATABLE = ("severity", "deadline", "rectified_on", "rectification")


def read_severity(raw) -> str:
    text = clean_text(raw).replace(" ", "").lower()
    for value, words in SEVERITY_WORDS.items():
        if text in words or text == str(Severity(value).label).lower():
            return value
    raise ValidationError(_("%(value)s is not a severity we know; write 一般 or 重大.") % {"value": clean_text(raw)},
                          code="severity")


HAZARD_COLUMNS = (
    Column("employer_code", "统一社会信用代码", "social_credit_code", aliases=("信用代码", "credit_code"),
           clean=normalize_credit_code, text=True,
           help=gettext_lazy("The employer unit's credit code (GB 32100-2015); or leave it empty and write the name.")),
    Column("employer_name", "单位名称", "employer", aliases=("单位", "企业名称", "employer_name"),
           help=gettext_lazy("The employer unit's name as the ledger has it; needed when there is no credit code.")),
    Column("found_on", "检查日期", "found_on", aliases=("发现日期", "排查日期"), required=True, clean=parse_date,
           help=gettext_lazy("Required. The date the hazard was found, e.g. 2026-03-15.")),
    Column("place", "隐患部位", "place", aliases=("部位", "地点", "place"), required=True,
           help=gettext_lazy("Required. Where in the employer unit: a workshop, a stair, a store.")),
    Column("description", "隐患描述", "description", aliases=("隐患内容", "问题描述"), required=True,
           help=gettext_lazy("Required. What is wrong.")),
    Column("severity", "隐患等级", "severity", aliases=("等级", "级别"), clean=read_severity,
           help=gettext_lazy("一般 (general) or 重大 (major); 一般 when empty.")),
    Column("deadline", "整改期限", "deadline", aliases=("整改时限", "deadline"), required=True, clean=parse_date,
           help=gettext_lazy("Required. The date by which it must be put right; not before the date found.")),
    Column("rectified_on", "整改完成日期", "rectified_on", aliases=("整改日期", "完成日期"), clean=parse_date,
           help=gettext_lazy("When it was put right, if it was; not before the date found, not in the future.")),
    Column("rectification", "整改措施", "rectification", aliases=("整改情况",),
           help=gettext_lazy("What was done; needed with the rectification date.")),
)

HAZARD_PREVIEW_COLUMNS = (
    ("employer_label", gettext_lazy("employer unit")),
    ("found_on", gettext_lazy("found on")),
    ("place", gettext_lazy("place")),
    ("severity_label", gettext_lazy("severity")),
    ("deadline", gettext_lazy("rectification deadline")),
    ("rectified_on", gettext_lazy("rectified on")),
)


def write_hazard_template(target) -> None:
    """Chinese headers, the credit code as text, and a sheet explaining each column."""
    write_upload_template(target, sheet_name="隐患台账", columns=HAZARD_COLUMNS)


def _iso(value) -> str | None:
    if value in (None, ""):
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class HazardImporter(BaseImporter):
    columns = HAZARD_COLUMNS
    key_fields = ("employer", "found_on", "place", "description")
    capability = "events.hazards"

    def __init__(self, *, job):
        super().__init__(job=job)
        self.root = job.organization
        self._employers: dict[tuple[str, str], tuple[int, str] | None] = {}

    def _visible_employers(self):
        root = self.root.path
        return Employer.objects.filter(Q(county__path__startswith=root) | Q(township__path__startswith=root)
                                       | Q(covering_union__path__startswith=root))

    def _employer(self, code: str, name: str):
        key = (code or "", name or "")
        if key not in self._employers:
            employers = self._visible_employers()
            found = employers.filter(social_credit_code=code) if code else employers.filter(name=name)
            rows = list(found.values_list("id", "name")[:2])
            self._employers[key] = rows[0] if len(rows) == 1 else (None if not rows else "many")
        return self._employers[key]

    def check_row(self, row: StagedRow, headers: HeaderMap) -> None:
        data = row.data
        header = lambda field: headers.headers.get(field, field)  # noqa: E731
        code, name = data.get("employer_code") or "", clean_text(data.get("employer_name") or "")
        if not code and not name:
            row.error(header("employer_name"), _("Name the employer unit: its credit code or its name."))
            return
        found = self._employer(code, name)
        if found == "many":
            row.error(header("employer_name"), _("Several employer units have this name; add the credit code."))
        elif found is None:
            row.error(header("employer_code") if code else header("employer_name"),
                      _("No employer unit %(value)s in %(org)s's scope.") % {"value": code or name,
                                                                          "org": self.root.name})
        else:
            data["employer"], data["employer_label"] = found
        data["severity"] = data.get("severity") or Severity.GENERAL
        data["severity_label"] = str(Severity(data["severity"]).label)
        found_on, deadline, rectified_on = data.get("found_on"), data.get("deadline"), data.get("rectified_on")
        if found_on and deadline and deadline < found_on:
            row.error(header("deadline"), _("The deadline cannot be before the hazard was found."))
        if found_on and rectified_on and rectified_on < found_on:
            row.error(header("rectified_on"), _("A hazard cannot be rectified before it was found."))
        if rectified_on and rectified_on > timezone.localdate():
            row.error(header("rectified_on"), _("The rectification date cannot be in the future."))
        if rectified_on and not clean_text(data.get("rectification") or ""):
            row.error(header("rectification"), _("Say what was done when you give the rectification date."))
        for field in ("found_on", "deadline", "rectified_on"):
            data[field] = _iso(data.get(field))
        data["rectification"] = clean_text(data.get("rectification") or "")
        data.pop("employer_code", None)
        data.pop("employer_name", None)

    def duplicate_message(self, first_row: int) -> str:
        return _("The same hazard (employer, date, place and description) is already on row %(row)d.") % {
            "row": first_row}

    def lookup(self, rows: list[StagedRow]) -> list[dict]:
        employers = {r.data["employer"] for r in rows}
        return list(Hazard.objects.filter(employer_id__in=employers).values(
            "id", "employer_id", "found_on", "place", "description", "verified_on", *UPDATABLE))

    def classify(self, rows: list[StagedRow], existing: list[dict]) -> None:
        known = {(h["employer_id"], h["found_on"].isoformat(), h["place"], h["description"]): h for h in existing}
        for row in rows:
            d = row.data
            match = known.get((d["employer"], d["found_on"], d["place"], d["description"]))
            if match is None:
                row.outcome = Outcome.NEW
                continue
            row.target_id = match["id"]
            changed = [f for f in UPDATABLE if (_iso(match[f]) if f != "rectification" else match[f] or "")
                       != (d.get(f) if f != "rectification" else d.get(f) or "")
                       and not (f == "rectified_on" and d.get(f) is None)
                       and not (f == "rectification" and not d.get(f))]
            if changed and match["verified_on"]:
                row.error("", _("This hazard is verified and closed; it cannot be changed by an upload."))
                continue
            row.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            row.messages = [[f, ""] for f in changed]

    def _fields(self, data: dict) -> dict:
        fields = {}
        for key in ("found_on", "place", "description", "severity", "deadline", "rectified_on", "rectification"):
            if key in data:
                value = data[key]
                if key in ("found_on", "deadline", "rectified_on") and value:
                    value = datetime.date.fromisoformat(value)
                fields[key] = value if value is not None or key == "rectified_on" else ""
        return fields

    def commit(self, *, actor) -> dict[str, int]:
        reason = (_("hazard register upload %(file)s") % {"file": self.job.original_name})[:100]
        created = updated = 0
        for batch in self.staged_batches(Outcome.NEW, size=BATCH):
            hazards = [Hazard(organization=self.root, employer_id=r.data["employer"], recorded_by=actor,
                              **self._fields(r.data)) for r in batch]
            bulk_create_with_history(hazards, Hazard, batch_size=BATCH, default_user=actor,
                                     default_change_reason=reason)
            created += len(hazards)
            self.report_written(created)
        for batch in self.staged_batches(Outcome.UPDATED, size=BATCH):
            targets = Hazard.objects.select_for_update().filter(
                pk__in=[r.target_id for r in batch], organization__path__startswith=self.root.path,
                verified_on__isnull=True).in_bulk()
            if len(targets) != len(batch):
                raise StaleImport("hazards were verified, moved or removed since validation")
            changed = set()
            for row in batch:
                fields = self._fields({f: row.data.get(f) for f, _m in row.messages})
                for name, value in fields.items():
                    setattr(targets[row.target_id], name, value)
                changed |= set(fields)
            bulk_update_with_history(list(targets.values()), Hazard, sorted(changed), batch_size=BATCH,
                                     default_user=actor, default_change_reason=reason)
            updated += len(targets)
            self.report_written(created + updated)
        return {"created": created, "updated": updated}
