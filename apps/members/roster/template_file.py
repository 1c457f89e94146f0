"""The roster template a branch officer downloads (core's one upload-template writer):
Chinese headers, the ID column (and the other number-like columns) formatted as text so
Excel keeps every digit, drop-down lists for the choice columns, and a second sheet
explaining each column and listing every word each choice column accepts
(apps.members.choice_words, the upload's own table)."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets.writer import write_upload_template

from ..choice_words import COLUMN_CHOICES, COLUMN_WORDS
from .columns import ROSTER_COLUMNS

TEMPLATE_ROWS = 5000  # rows that get the drop-down lists and text format
WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "employer_name": 30, "joined_on": 12, "card_number": 14}


def roster_choice_words() -> dict[str, list[tuple[str, str, list[str]]]]:
    """{field: [(written word, code, other accepted words)]} for the template's explanation sheet."""
    table = {}
    for field, words in COLUMN_WORDS.items():
        coded = COLUMN_CHOICES[field] is not None
        table[field] = [(word, value if coded else "", others) for value, (word, *others) in words.items()]
    return table


def write_roster_template(target) -> None:
    write_upload_template(
        target, sheet_name="会员名册", columns=ROSTER_COLUMNS, widths=WIDTHS, template_rows=TEMPLATE_ROWS,
        choice_words=roster_choice_words(),
        notes=[
            _("Headers may also be written in English; columns not listed here are ignored."),
            _("One person per row. The first sheet is read; keep the header in the first row."),
        ],
    )
