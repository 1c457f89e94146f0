"""The roster template a branch officer downloads: Chinese headers, the ID column (and
the other number-like columns) formatted as text so Excel keeps every digit, drop-down
lists for the choice columns, and a second sheet explaining each column and listing
every word each choice column accepts (apps.members.choice_words, the upload's table)."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets.writer import SafeWorkbook

from ..choice_words import COLUMN_CHOICES, COLUMN_WORDS, written_words
from .columns import ROSTER_COLUMNS

TEMPLATE_ROWS = 5000  # rows that get the drop-down lists and text format
WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "employer_name": 30, "joined_on": 12, "card_number": 14}
NOTES_SHEET = "填写说明"


def _help(column) -> str:
    text = str(column.help)
    return text % {"values": "、".join(written_words(column.field))} if "%(values)s" in text else text


def _write_notes(book, notes) -> dict[str, str]:
    """The explanation sheet; returns, per choice column, the cell range of its written
    words (what the drop-down list of the first sheet offers)."""
    notes.set_widths([16, 18, 18, 90])
    notes.write_row([_("Column"), "English", _("Required"), _("How to fill it in")], book.header_format)
    for column in ROSTER_COLUMNS:
        notes.write_row([column.header, column.english, _("yes") if column.required else _("no"), _help(column)])
    notes.write_row([])
    notes.write_row([_("Headers may also be written in English; columns not listed here are ignored.")])
    notes.write_row([_("One person per row. The first sheet is read; keep the header in the first row.")])
    notes.write_row([])
    notes.write_row([_("Words accepted in the choice columns. Spaces, full-width letters and upper or lower "
                       "case do not matter.")])
    notes.write_row([_("Column"), _("Write"), _("Code"), _("Also accepted")], book.header_format)
    ranges = {}
    for column in ROSTER_COLUMNS:
        if column.field not in COLUMN_WORDS:
            continue
        first = notes.row + 1  # as Excel counts rows
        coded = COLUMN_CHOICES[column.field] is not None
        for value, (word, *others) in COLUMN_WORDS[column.field].items():
            notes.write_row([column.header, word, value if coded else "", "、".join(others)])
        ranges[column.field] = f"='{NOTES_SHEET}'!$B${first}:$B${notes.row}"
    return ranges


def write_roster_template(target) -> None:
    with SafeWorkbook(target, constant_memory=False) as book:
        data = book.add_sheet("会员名册")
        notes = book.add_sheet(NOTES_SHEET)
        ranges = _write_notes(book, notes)
        sheet = data.sheet
        for position, column in enumerate(ROSTER_COLUMNS):
            sheet.set_column(position, position, WIDTHS.get(column.field, 10),
                             book.text_format if column.text else None)
            if column.field in ranges:
                # A warning, not a stop: every other accepted word may be typed as well.
                sheet.data_validation(1, position, TEMPLATE_ROWS, position, {
                    "validate": "list", "source": ranges[column.field], "error_type": "warning",
                })
        data.write_row([c.header for c in ROSTER_COLUMNS], book.header_format)
        sheet.freeze_panes(1, 0)
