"""xlsx exports of the ledger, written through core's safe writer.

The file is written to a temporary file, not a BytesIO, so XlsxWriter's constant-memory
mode holds: each row goes to disk as it is written, and the response streams the file.
The rate export takes the very rows the page shows (selectors.*_rate_table), so the
page and the file cannot disagree.
"""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.spreadsheets.writer import SafeWorkbook

from .rates import BRACKETS, RateRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(handle, filename: str) -> FileResponse:
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX)


def employer_columns():
    return [
        (_("name"), lambda e: e.name),
        (_("unified social credit code"), lambda e: e.social_credit_code or ""),
        (_("county/district"), lambda e: e.county.name),
        (_("county/district code"), lambda e: e.county.code),
        (_("township/street"), lambda e: e.township.name if e.township else ""),
        (_("industry"), lambda e: e.industry),
        (_("ownership"), lambda e: e.get_ownership_display() if e.ownership else ""),
        (_("headcount"), lambda e: e.headcount),
        (_("new sector kind"), lambda e: e.get_new_sector_kind_display() if e.is_new_sector else ""),
        (_("covering union"), lambda e: e.covering_union.name if e.covering_union else ""),
        (_("covering union code"), lambda e: e.covering_union.code if e.covering_union else ""),
        (_("union established on"), lambda e: e.union_established_on),
        (_("status"), lambda e: e.get_status_display()),
    ]


def _list_response(rows, columns, *, sheet_name: str, filename: str, text_columns=()) -> FileResponse:
    """A list as on its page: a header row, then one row per item, written as read."""
    handle = tempfile.TemporaryFile()
    with SafeWorkbook(handle) as book:
        sheet = book.add_sheet(str(sheet_name)[:31], text_columns=text_columns)
        sheet.write_row([label for label, _getter in columns], book.header_format)
        for item in rows:
            sheet.write_row([getter(item) for _label, getter in columns])
    return _response(handle, filename)


def employers_response(employers) -> FileResponse:
    """The (already scoped and filtered) employers, read in chunks and written row by row,
    so memory stays flat whatever their number."""
    return _list_response(
        employers.iterator(chunk_size=2000), employer_columns(),
        sheet_name=_("Employer units"), filename="employers", text_columns=[1],
    )


def instructor_columns():
    return [
        (pgettext("person", "name"), lambda i: i.name),
        (_("county/district"), lambda i: i.county.name),
        (_("sent by"), lambda i: i.sent_by.name),
        (_("assigned organizations"), lambda i: i.employer_count),
        (_("employer units"), lambda i: "、".join(e.name for e in i.employers.all())),
        (_("from"), lambda i: i.started_on),
        (_("until"), lambda i: i.ended_on),
        (_("status"), lambda i: i.get_status_display()),
    ]


def instructors_response(instructors) -> FileResponse:
    """The (scoped and filtered) work instructors as their list shows them, with the
    employer units each guides; a city has about a hundred."""
    return _list_response(
        instructors.prefetch_related("employers"), instructor_columns(),
        sheet_name=_("Work instructors"), filename="work-instructors",
    )


def site_columns():
    return [
        (_("union organization"), lambda s: s.organization.name),
        (_("organization code"), lambda s: s.organization.code),
        (_("county/district"), lambda s: s.organization.county.name if s.organization.county else ""),
        (_("level"), lambda s: s.get_level_display()),
        (_("year named"), lambda s: s.year_named),
        (_("what it demonstrates"), lambda s: s.demonstrates),
        (_("status"), lambda s: s.get_status_display()),
    ]


def sites_response(sites) -> FileResponse:
    """The (scoped and filtered) demonstration sites as their list shows them."""
    return _list_response(
        sites, site_columns(), sheet_name=_("Demonstration sites"), filename="demonstration-sites", text_columns=[1]
    )


def rates_response(rows: list[RateRow], total: RateRow, *, group_label, filename: str) -> FileResponse:
    """The rate table as on the page: per bracket employers, covered and rate (percent)."""
    handle = tempfile.TemporaryFile()
    with SafeWorkbook(handle) as book:
        sheet = book.add_sheet(filename[:31])
        header = [str(group_label)]
        for _key, _minimum, label in BRACKETS:
            header += [
                f"{label} · {_('employers')}",
                f"{label} · {_('covered')}",
                f"{label} · {_('rate')} (%)",
            ]
        sheet.write_row(header, book.header_format)
        for row in [*rows, total]:
            values = [str(row.label)]
            for figures in row.figures:
                values += [figures.total, figures.covered, figures.rate]
            sheet.write_row(values)
    return _response(handle, filename)
