"""The roster template a branch officer downloads: Chinese headers, the ID column (and
the other number-like columns) formatted as text so Excel keeps every digit, drop-down
lists for the choice columns, and a second sheet explaining each column."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets.writer import write_upload_template

from ..cleaning import CHOICE_WORDS
from ..models import Education, PoliticalStatus, Sex, WorkerCategory
from .columns import ROSTER_COLUMNS

CHOICES_OF = {"sex": Sex, "political_status": PoliticalStatus, "education": Education, "worker_category": WorkerCategory}
TEMPLATE_ROWS = 5000  # rows that get the drop-down lists and text format
WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "employer_name": 30, "joined_on": 12, "card_number": 14}


def allowed_words(field: str) -> list[str]:
    return [words[0] for words in CHOICE_WORDS[CHOICES_OF[field]].values()] if field in CHOICES_OF else []


def write_roster_template(target) -> None:
    write_upload_template(
        target, sheet_name="会员名册", columns=ROSTER_COLUMNS, widths=WIDTHS, words_for=allowed_words,
        template_rows=TEMPLATE_ROWS,
        notes=[
            _("Headers may also be written in English; columns not listed here are ignored."),
            _("One person per row. The first sheet is read; keep the header in the first row."),
        ],
    )
