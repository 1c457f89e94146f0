"""The roster template a branch officer downloads: Chinese headers, the ID column (and
the other number-like columns) formatted as text so Excel keeps every digit, drop-down
lists for the choice columns, and a second sheet explaining each column."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets.writer import SafeWorkbook

from ..cleaning import CHOICE_WORDS
from ..models import Education, PoliticalStatus, Sex, WorkerCategory
from .columns import ROSTER_COLUMNS

CHOICES_OF = {"sex": Sex, "political_status": PoliticalStatus, "education": Education, "worker_category": WorkerCategory}
TEMPLATE_ROWS = 5000  # rows that get the drop-down lists and text format
WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "employer_name": 30, "joined_on": 12, "card_number": 14}


def allowed_words(field: str) -> list[str]:
    return [words[0] for words in CHOICE_WORDS[CHOICES_OF[field]].values()] if field in CHOICES_OF else []


def write_roster_template(target) -> None:
    with SafeWorkbook(target, constant_memory=False) as book:
        data = book.add_sheet("会员名册")
        sheet = data.sheet
        for position, column in enumerate(ROSTER_COLUMNS):
            sheet.set_column(position, position, WIDTHS.get(column.field, 10),
                             book.text_format if column.text else None)
            words = allowed_words(column.field)
            if words:
                sheet.data_validation(1, position, TEMPLATE_ROWS, position, {
                    "validate": "list", "source": words, "error_type": "warning",
                })
        data.write_row([c.header for c in ROSTER_COLUMNS], book.header_format)
        sheet.freeze_panes(1, 0)

        notes = book.add_sheet("填写说明")
        notes.set_widths([16, 18, 10, 90])
        notes.write_row([_("Column"), "English", _("Required"), _("How to fill it in")], book.header_format)
        for column in ROSTER_COLUMNS:
            help_text = str(column.help) % {"values": "、".join(allowed_words(column.field))} if "%(values)s" in str(
                column.help) else str(column.help)
            notes.write_row([column.header, column.english, _("yes") if column.required else _("no"), help_text])
        notes.write_row([])
        notes.write_row([_("Headers may also be written in English; columns not listed here are ignored.")])
        notes.write_row([_("One person per row. The first sheet is read; keep the header in the first row.")])
