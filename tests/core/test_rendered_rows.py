"""Rows rendered by PostgreSQL (apps.core.spreadsheets.rendered) write the same workbook as
the cell-by-cell writer: formula starts neutralized (OWASP "CSV injection"), XML and Excel's
_xHHHH_ escapes, whitespace kept, dates as dates, masks as apps.core.privacy masks."""

import datetime
import zipfile

import openpyxl
import pytest
from django.db import connection

from apps.core.privacy import mask_id_number, mask_id_number_sql, mask_phone, mask_phone_sql
from apps.core.spreadsheets.rendered import Cell, needs_no_escaping, row_sql
from apps.core.spreadsheets.writer import SafeWorkbook

pytestmark = pytest.mark.django_db

TRICKY = [
    "王小明", "=1+1", "+8613800000000", "-3", "@SUM(A1)", "\tTab", "\rCR", "a&b<c>d", "_x0041_", "x_x00ZZ_",
    "ctl\x01\x08\x0b\x1f", " leading", "trailing ", "\u3000全角空格", "line\nbreak", "", None, "普通 文本", "'quoted",
    "\ufffe\uffff", "X" * 300,
]


def _values_sql(rows: list[tuple]) -> tuple[str, list]:
    placeholders = ", ".join("(%s::int, %s::text, %s::text, %s::date)" for _ in rows)
    return f"SELECT * FROM (VALUES {placeholders}) AS v(n, a, b, d) ORDER BY n", [x for r in rows for x in r]


def _write_both(tmp_path, rows):
    """The same rows written cell by cell and rendered by SQL; both read back."""
    reference, rendered = tmp_path / "reference.xlsx", tmp_path / "rendered.xlsx"
    with SafeWorkbook(str(reference)) as book:
        sheet = book.add_sheet("s", text_columns=[1])
        sheet.write_row(["n", "a", "b", "d"], book.header_format)
        for n, a, b, d in rows:
            sheet.write_row([str(n), a, b, d])
    values, params = _values_sql(rows)
    with SafeWorkbook(str(rendered)) as book:
        sheet = book.add_sheet("s", text_columns=[1])
        sheet.write_row(["n", "a", "b", "d"], book.header_format)
        cells = [Cell("word", "v.n::text"), Cell("text", "v.a"), Cell("text", "v.b"), Cell("date", "v.d")]
        sql = f"SELECT {row_sql(cells, text_xf=book.text_format._get_xf_index(), date_xf=book.date_format._get_xf_index())} FROM ({values}) AS v"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = sheet.write_rendered_rows((r[0] for r in cursor.fetchall()), columns=4)
    assert written == len(rows)
    return reference, rendered


def _cells(path):
    sheet = openpyxl.load_workbook(path).active
    return [[(c.value, c.number_format if c.value is not None else None) for c in row] for row in sheet.iter_rows()]


def test_rendered_rows_read_back_as_the_cell_by_cell_writer_wrote_them(tmp_path):
    rows = [(i, text, TRICKY[-1 - i], datetime.date(2020, 1, 1) + datetime.timedelta(days=i * 400) if i % 3 else None)
            for i, text in enumerate(TRICKY)]
    reference, rendered = _write_both(tmp_path, rows)
    assert _cells(rendered) == _cells(reference)
    formulas = [row[1][0] for row in _cells(rendered)[1:] if row[1][0] and row[1][0][:1] == "'"]
    # neutralized: the formula starts (tab and carriage return too); "'quoted" was written so
    assert formulas == ["'=1+1", "'+8613800000000", "'-3", "'@SUM(A1)", "'\tTab", "'_x000D_CR", "'quoted"]


def test_rendered_sheet_xml_matches_xlsxwriter_for_escapes_and_whitespace(tmp_path):
    rows = [(1, "a&b<c>", " keep ", None), (2, "ctl\x01", "_x0041_", datetime.date(2023, 1, 15)), (3, "plain", "", None)]
    reference, rendered = _write_both(tmp_path, rows)

    def sheet_xml(path):
        with zipfile.ZipFile(path) as archive:
            return archive.read("xl/worksheets/sheet1.xml").decode()

    ours, theirs = sheet_xml(rendered), sheet_xml(reference)
    for fragment in ("a&amp;b&lt;c&gt;", '<t xml:space="preserve"> keep </t>', "ctl_x0001_", "_x005F_x0041_",
                     "<v>44941</v>", '<dimension ref="A1:D4"/>'):
        assert fragment in theirs and fragment in ours, fragment
    assert "<t>plain</t>" in ours and 'r="B4"' in ours


def test_clean_rows_take_the_plain_path_and_others_the_careful_one(tmp_path):
    """The plain path writes no xml:space and escapes nothing; a row with one special value
    is rendered carefully in every text cell."""
    rows = [(1, "张三", "李四", None), (2, "=危险", "王五", None)]
    _reference, rendered = _write_both(tmp_path, rows)
    cells = _cells(rendered)
    assert cells[1][1][0] == "张三" and cells[2][1][0] == "'=危险" and cells[2][2][0] == "王五"


def test_sql_masks_equal_the_python_masks():
    samples = ["371302199001011234", "37130219900101123X", "1234", "", None, "13812345678", "1381234", "861381234567"]
    with connection.cursor() as cursor:
        for value in samples:
            cursor.execute(f"SELECT {mask_id_number_sql('x')}, {mask_phone_sql('x')} FROM (SELECT %s::text AS x) AS t",
                           [value])
            assert cursor.fetchone() == (mask_id_number(value), mask_phone(value)), value


def test_words_written_as_they_are_need_no_escaping():
    assert needs_no_escaping("新就业形态劳动者")
    assert not any(needs_no_escaping(w) for w in ("=x", "a&b", "_x0041_", " x", "a\x01"))


def test_rendered_rows_need_constant_memory(tmp_path):
    with SafeWorkbook(str(tmp_path / "x.xlsx"), constant_memory=False) as book:
        sheet = book.add_sheet("s")
        with pytest.raises(ValueError):
            sheet.write_rendered_rows([], columns=1)


def test_progress_is_reported_every_ten_thousand_rows(tmp_path):
    reported = []
    with SafeWorkbook(str(tmp_path / "x.xlsx")) as book:
        sheet = book.add_sheet("s")
        sheet.write_row(["n"])
        sql = f"SELECT {row_sql([Cell('text', 'n::text')], text_xf=1, date_xf=2)} FROM generate_series(1, 20001) AS n"
        with connection.cursor() as cursor:
            cursor.execute(sql)
            assert sheet.write_rendered_rows((r[0] for r in cursor.fetchall()), columns=1,
                                             progress=reported.append) == 20001
    assert reported == [10_000, 20_000]
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx", read_only=True).active
    assert [r[0] for r in sheet.iter_rows(min_row=20001, values_only=True)] == ["20000", "20001"]
