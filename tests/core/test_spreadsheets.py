import codecs
import io
import zipfile

import pytest
import python_calamine
import xlsxwriter

from apps.core.spreadsheets.columns import Column, map_headers
from apps.core.spreadsheets.reader import SpreadsheetError, read_spreadsheet
from apps.core.spreadsheets.writer import SafeWorkbook, neutralize

COLUMNS = (
    Column("name", "姓名", "name", required=True),
    Column("id_number", "公民身份号码", "id_number", aliases=("身份证号",), required=True),
    Column("phone", "手机号码", "phone", aliases=("联系电话",)),
)


def xlsx(rows, *, numbers=()) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if (r, c) in numbers:
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def read(data: bytes):
    sheet = read_spreadsheet(io.BytesIO(data))
    return sheet, list(sheet.rows)


def refusal(data: bytes) -> str:
    with pytest.raises(SpreadsheetError) as exc:
        sheet = read_spreadsheet(io.BytesIO(data))
        list(sheet.rows)
    return str(exc.value)


# --- reading -------------------------------------------------------------------------------


def test_xlsx_is_read_with_excel_row_numbers_and_blank_rows_skipped():
    sheet, rows = read(xlsx([["姓名", "身份证号"], ["张三", "11010519491231002X"], [None, None], ["李四", "x"]]))
    assert sheet.file_type == "xlsx"
    assert rows == [(1, ["姓名", "身份证号"]), (2, ["张三", "11010519491231002X"]), (4, ["李四", "x"])]


def test_xlsx_numeric_id_cell_keeps_its_number_type():
    _sheet, rows = read(xlsx([["姓名", "身份证号"], ["张三", 371302198506300012]], numbers={(1, 1)}))
    assert isinstance(rows[1][1][1], float)  # the validator refuses it: digits were lost


def test_type_is_detected_by_content_not_name():
    sheet, rows = read("姓名,身份证号\n张三,1\n".encode())
    assert sheet.file_type == "csv"
    sheet, _rows = read(xlsx([["姓名"], ["张三"]]))
    assert sheet.file_type == "xlsx"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_chinese_excel_writes(encoding):
    text = "姓名,身份证号\r\n张三,11010519491231002X\r\n欧阳·娜娜,1\r\n"
    _sheet, rows = read(text.encode(encoding))
    assert rows[0] == (1, ["姓名", "身份证号"])
    assert rows[2] == (3, ["欧阳·娜娜", "1"])


def test_csv_bom_is_not_part_of_the_first_header():
    _sheet, rows = read(codecs.BOM_UTF8 + "姓名,身份证号\n张三,1\n".encode())
    assert rows[0][1][0] == "姓名"


def test_tab_separated_text_is_read():
    _sheet, rows = read("姓名\t身份证号\n张三\t1\n".encode())
    assert rows[1] == (2, ["张三", "1"])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(200), "not a spreadsheet"),
        (b"\x81\x30\xff\xfe\x80\xff", "not a spreadsheet"),
    ],
)
def test_non_spreadsheets_are_refused_with_a_clear_message(data, words):
    assert words in refusal(data)


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in refusal(buffer.getvalue())


def test_damaged_zip_is_refused():
    data = xlsx([["姓名"], ["张三"]])
    assert "damaged" in refusal(data[: len(data) // 2])


def bomb(*, entries=1, size=0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(entries):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", b"\x00" * size)
    return buffer.getvalue()


def test_zip_bomb_by_compression_ratio_is_refused_before_unpacking():
    assert "compressed" in refusal(bomb(size=8 * 1024 * 1024))


def test_zip_bomb_by_total_size_is_refused(settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    settings.IMPORT_XLSX_MAX_RATIO = 10**6
    assert "unpack" in refusal(bomb(size=2 * 1024 * 1024))


def test_zip_bomb_by_entry_count_is_refused():
    assert "parts" in refusal(bomb(entries=1200))


def test_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    assert "larger than 1 MB" in refusal(b"a,b\n" * 300_000)


def test_file_over_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    data = ("姓名,身份证号\n" + "张三,1\n" * 11).encode()
    assert "at most 10 rows" in refusal(data)
    read(("姓名,身份证号\n" + "张三,1\n" * 10).encode())  # exactly the limit is fine


# --- header mapping ---------------------------------------------------------------------------


def mapped(rows):
    return map_headers(iter(enumerate(rows, start=1)), COLUMNS)


def test_chinese_english_and_alias_headers_map_to_fields():
    assert mapped([["姓名", "公民身份号码", "联系电话"]]).index == {"name": 0, "id_number": 1, "phone": 2}
    assert mapped([["Name", " ID_Number ", "phone"]]).index == {"name": 0, "id_number": 1, "phone": 2}
    assert mapped([["*姓 名", "身份证号"]]).headers == {"name": "*姓 名", "id_number": "身份证号"}
    assert mapped([["ｎａｍｅ", "身份证号"]]).index["name"] == 0


def test_unknown_columns_are_ignored_and_reported():
    header = mapped([["备注", "姓名", "身份证号", "错误/Errors"]])
    assert header.unknown == ["备注", "错误/Errors"]
    assert header.values(["x", "张三", "1"]) == {"name": "张三", "id_number": "1"}  # short row: missing cells


def test_title_rows_above_the_header_are_skipped():
    header = mapped([["甲公司会员名册"], [], ["姓名", "身份证号"]])
    assert header.header_row == 3


def test_missing_required_columns_are_named_in_one_error():
    with pytest.raises(SpreadsheetError) as exc:
        mapped([["手机号码", "性别"]])
    assert "姓名 (name)" in str(exc.value) and "公民身份号码 (id_number)" in str(exc.value)


def test_a_field_given_twice_is_refused():
    with pytest.raises(SpreadsheetError) as exc:
        mapped([["姓名", "身份证号", "公民身份号码"]])
    assert "身份证号" in str(exc.value) and "公民身份号码" in str(exc.value)


# --- writer -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"),
     ("张三", "张三"), ("a=b", "a=b"), ("", "")],
)
def test_neutralize_prefixes_formula_starts(value, written):
    assert neutralize(value) == written


def test_safe_workbook_writes_formulas_as_text_and_keeps_numbers_and_dates():
    import datetime

    buffer = io.BytesIO()
    with SafeWorkbook(buffer) as book:
        sheet = book.add_sheet("x", text_columns=[1])
        sheet.write_row(["=HYPERLINK(\"http://x\")", "11010519491231002X", 5, datetime.date(2023, 1, 15), None])
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0)
    assert rows.to_python() == [["'=HYPERLINK(\"http://x\")", "11010519491231002X", 5.0, datetime.date(2023, 1, 15)]]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula stored


# --- bulk COPY --------------------------------------------------------------------------------


def test_copy_rows_keeps_tabs_line_breaks_backslashes_and_nulls(db):
    from django.db import connection

    from apps.core.spreadsheets.bulk import copy_rows

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE h4_copy (n int, t text)")
        values = [(1, "a\tb"), (2, "line\nbreak\r\n"), (3, "back\\slash \\N"), (4, None), (5, '{"k": "引号\\"x"}')]
        assert copy_rows("h4_copy", ["n", "t"], values) == 5
        cursor.execute("SELECT n, t FROM h4_copy ORDER BY n")
        assert cursor.fetchall() == values
