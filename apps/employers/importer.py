"""The employer ledger upload (issue 3 item 6) on the shared pipeline of apps.imports.

The upload goes into one organization (a county/district federation, or the city for city
staff); every row must lie in it. Rows are cleaned through EMPLOYER_COLUMNS (core
validators for the credit code and dates), then:

- the county must be known and inside the upload's organization (a county clerk cannot
  upload into another county), the township inside the row's county, the covering union a
  grassroots or joint grassroots union inside the upload's organization;
- a row is the same employer as a ledger row with the same credit code, or — without a
  code — with the same name in the same county; a credit code already used by an employer
  of another county is an error, never a silent move;
- a second row with the same code (or, without one, the same county and name) is a duplicate.

Commit writes new and changed employers in the caller's transaction with history rows
(who, "employer ledger upload <file>"); unchanged rows are not touched, so uploading the
same file again writes nothing.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.core.spreadsheets.columns import HeaderMap
from apps.imports.importer import BaseImporter, StagedRow, StaleImport
from apps.imports.models import ImportRow
from apps.organizations.models import Organization

from .models import COVERING_KINDS, Employer, NewSectorKind
from .upload_columns import EMPLOYER_COLUMNS

Outcome = ImportRow.Outcome
K = Organization.Kind
# Fields of a staged row that are written to the employer (the rest is for the preview).
ORG_FIELDS = {"county": "county_id", "township": "township_id", "covering_union": "covering_union_id"}
PLAIN_FIELDS = (
    "name",
    "social_credit_code",
    "industry",
    "ownership",
    "headcount",
    "new_sector_kind",
    "union_established_on",
    "status",
)
BLANK_AS = {"industry": "", "ownership": "", "new_sector_kind": "", "status": Employer.Status.ACTIVE}
BATCH = 2000


def _name_key(value: str) -> str:
    return value.replace(" ", "").removesuffix("总工会")


class EmployerImporter(BaseImporter):
    columns = EMPLOYER_COLUMNS
    key_fields = ("social_credit_code",)
    capability = "employers.upload"

    def __init__(self, *, job):
        super().__init__(job=job)
        self.root = job.organization
        self._counties: dict[str, Organization] | None = None
        self._townships: dict[tuple[int, str], int] = {}
        self._unions: dict[str, Organization | None] = {}
        self._headers: dict[str, str] = {}
        self._checked_row: int | None = None
        self._matched: dict[int, int] = {}  # employer id → the first row that matched it

    # --- organizations named in the file ---------------------------------------------------

    def _county_lookup(self) -> dict[str, Organization]:
        if self._counties is None:
            self._counties = {}
            for county in Organization.objects.filter(kind=K.COUNTY_FEDERATION).only(
                "id", "code", "name", "path"
            ):
                self._counties[county.code.lower()] = county
                self._counties.setdefault(_name_key(county.name), county)
        return self._counties

    def _township_id(self, county: Organization, value: str) -> int | None:
        if not self._townships.get((county.pk, "")):
            self._townships[(county.pk, "")] = True
            for pk, code, name in Organization.objects.filter(
                county=county, kind=K.TOWNSHIP_FEDERATION
            ).values_list("id", "code", "name"):
                self._townships[(county.pk, code.lower())] = pk
                self._townships.setdefault((county.pk, _name_key(name)), pk)
        return self._townships.get((county.pk, value.lower())) or self._townships.get(
            (county.pk, _name_key(value))
        )

    def _union(self, code: str) -> Organization | None:
        if code not in self._unions:
            self._unions[code] = (
                Organization.objects.filter(code=code).only("id", "code", "name", "kind", "path").first()
            )
        return self._unions[code]

    def _inside(self, org: Organization) -> bool:
        return org.path.startswith(self.root.path)

    # --- validation ----------------------------------------------------------------------

    def clean_row(self, row: StagedRow, values: dict, headers: HeaderMap) -> None:
        super().clean_row(row, values, headers)
        if self._checked_row != row.row_number:
            # A cell failed, so the base skipped check_row: report the row's county, township
            # and union problems too, not only the first kind.
            self.check_row(row, headers)

    def check_row(self, row: StagedRow, headers: HeaderMap) -> None:
        self._checked_row = row.row_number
        data = row.data
        self._headers = headers.headers
        for field, blank in BLANK_AS.items():
            if field in data and data[field] in (None, ""):
                data[field] = blank
        header = lambda field: headers.headers.get(field, field)
        county = self._resolve_county(row, header("county"))
        if county is None:
            return
        data["county"], data["county_name"] = county.pk, county.name
        if data.get("township"):
            township = self._township_id(county, data["township"])
            if township is None:
                row.error(
                    header("township"),
                    _("%(value)s is not a township/street of %(county)s.")
                    % {"value": data["township"], "county": county.name},
                )
            data["township"] = township
        if data.get("covering_union"):
            self._resolve_union(row, header("covering_union"))
        if (
            not row.is_error
            and data.get("union_established_on")
            and "covering_union" in data
            and not data["covering_union"]
        ):
            row.error(header("union_established_on"), _("A union establishment date needs a covering union."))

    def _resolve_county(self, row: StagedRow, header: str) -> Organization | None:
        given = row.data.get("county")
        if not given:
            if self.root.kind == K.COUNTY_FEDERATION:
                return self.root
            row.error(
                header,
                _("Name the county/district of every row when uploading for %(org)s.")
                % {"org": self.root.name},
            )
            return None
        lookup = self._county_lookup()
        county = lookup.get(given.lower()) or lookup.get(_name_key(given))
        if county is None:
            row.error(
                header,
                _("%(value)s is not a county/district we know; write its code or name.") % {"value": given},
            )
            return None
        if not self._inside(county):
            row.error(
                header,
                _("%(value)s is outside %(org)s: this upload can only hold employers of %(org)s.")
                % {"value": given, "org": self.root.name},
            )
            return None
        return county

    def _resolve_union(self, row: StagedRow, header: str) -> None:
        code = row.data["covering_union"]
        union = self._union(code)
        if union is None or not self._inside(union):
            # Outside the upload's organization it does not exist for the uploader.
            row.error(
                header,
                _("No union with the code %(code)s in %(org)s.") % {"code": code, "org": self.root.name},
            )
        elif union.kind not in COVERING_KINDS:
            row.error(
                header,
                _("%(name)s is not a grassroots or joint grassroots union; only those cover employers.")
                % {"name": union.name},
            )
        else:
            row.data["covering_union"], row.data["covering_union_name"] = union.pk, union.name
            return
        row.data["covering_union"] = None

    def row_key(self, row: StagedRow):
        code = row.data.get("social_credit_code")
        return ("code", code) if code else ("name", row.data.get("county"), row.data.get("name"))

    def duplicate_message(self, first_row: int) -> str:
        return _(
            "The same employer (credit code, or county and name) is already on row %(row)d of this file."
        ) % {"row": first_row}

    def _compared(self, rows: list[StagedRow]) -> list[str]:
        return [f for f in rows[0].data if f in PLAIN_FIELDS or f in ORG_FIELDS]

    def lookup(self, rows: list[StagedRow]) -> list[dict]:
        """The employers the rows may name: by credit code anywhere, by name in this county."""
        codes = [r.data["social_credit_code"] for r in rows if r.data.get("social_credit_code")]
        names = [r.data["name"] for r in rows]
        fields = ["id", "county_id", "name", "social_credit_code",
                  *(ORG_FIELDS.get(f, f) for f in self._compared(rows))]
        return list(
            Employer.objects.filter(
                Q(social_credit_code__in=codes) | Q(county__path__startswith=self.root.path, name__in=names)
            ).values(*set(fields))
        )

    def classify(self, rows: list[StagedRow], existing: list[dict]) -> None:
        compared = self._compared(rows)
        by_code = {e["social_credit_code"]: e for e in existing if e["social_credit_code"]}
        by_name: dict[tuple, list] = {}
        for e in existing:
            by_name.setdefault((e["county_id"], e["name"]), []).append(e)
        for row in rows:
            match = self._match(row, by_code, by_name)
            if row.is_error:
                continue
            if match is None:
                row.outcome = Outcome.NEW
                continue
            first = self._matched.setdefault(match["id"], row.row_number)
            if first != row.row_number:
                # One by its credit code, one by its name: both rows describe the same employer.
                row.error(self._headers.get("name", ""), self.duplicate_message(first))
                continue
            row.target_id = match["id"]
            changed = [f for f in compared if self._differs(row.data.get(f), match[ORG_FIELDS.get(f, f)])]
            row.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            row.messages = [[f, ""] for f in changed]

    def _match(self, row: StagedRow, by_code: dict, by_name: dict) -> dict | None:
        code, county = row.data.get("social_credit_code"), row.data["county"]
        header = self._headers.get("social_credit_code") or self._headers.get("name", "")
        if code and code in by_code:
            match = by_code[code]
            if match["county_id"] != county:
                row.error(
                    header,
                    _(
                        "This credit code already belongs to an employer of another county/district; "
                        "it cannot be moved by an upload."
                    ),
                )
                return None
            return match
        same_name = [
            e for e in by_name.get((county, row.data["name"]), []) if not code or not e["social_credit_code"]
        ]
        if len(same_name) > 1:
            row.error(
                header,
                _(
                    "Several employers of this county/district have this name; add the credit code "
                    "to say which one."
                ),
            )
            return None
        return same_name[0] if same_name else None

    @staticmethod
    def _differs(new, old) -> bool:
        if isinstance(new, str) and isinstance(old, datetime.date):
            return new != old.isoformat()
        return new != old

    def describe(self, data: dict) -> dict:
        kind = data.get("new_sector_kind")
        return {**data, "new_sector_kind": NewSectorKind(kind).label if kind in NewSectorKind.values else ""}

    # --- commit ----------------------------------------------------------------------------

    def _fields(self, data: dict) -> dict:
        fields = {}
        for key, value in data.items():
            if key in ORG_FIELDS:
                fields[ORG_FIELDS[key]] = value
            elif key in PLAIN_FIELDS:
                fields[key] = value
        if isinstance(fields.get("union_established_on"), str):
            fields["union_established_on"] = datetime.date.fromisoformat(fields["union_established_on"])
        if "new_sector_kind" in fields:
            fields["is_new_sector"] = bool(fields["new_sector_kind"])
        if "covering_union_id" in fields and not fields["covering_union_id"]:
            fields["union_established_on"] = None
        return fields

    def commit(self, *, actor) -> dict[str, int]:
        reason = (_("employer ledger upload %(file)s") % {"file": self.job.original_name})[:100]
        created = updated = 0
        for batch in self.staged_batches(Outcome.NEW, size=BATCH):
            employers = [Employer(**self._fields(row.data)) for row in batch]
            bulk_create_with_history(
                employers, Employer, batch_size=BATCH, default_user=actor, default_change_reason=reason
            )
            created += len(employers)
            self.report_written(created)
        for batch in self.staged_batches(Outcome.UPDATED, size=BATCH):
            targets = (
                Employer.objects.select_for_update()
                .filter(pk__in=[r.target_id for r in batch], county__path__startswith=self.root.path)
                .in_bulk()
            )
            if len(targets) != len(batch):
                raise StaleImport("employers changed county or were removed since validation")
            changed_fields = set()
            for row in batch:
                fields = self._fields({f: row.data.get(f) for f, _msg in row.messages})
                for name, value in fields.items():
                    setattr(targets[row.target_id], name, value)
                changed_fields |= set(fields)
            bulk_update_with_history(
                list(targets.values()),
                Employer,
                sorted(changed_fields),
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
            )
            updated += len(targets)
            self.report_written(created + updated)
        return {"created": created, "updated": updated}
