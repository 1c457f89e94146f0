"""Test helpers: valid resident ID numbers and roster files (.xlsx, .csv) built from rows."""

import csv
import datetime
import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.validators import build_resident_id

HEADERS = ["姓名", "公民身份号码", "性别", "手机号码", "民族", "政治面貌", "学历", "工作单位", "入会日期", "职工类别", "会员证号"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂"
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def person_id(n: int, *, sex: str | None = None) -> str:
    """A distinct valid 18-character number per n (sequence odd for men, even for women)."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n // 400) % 15000)
    sequence = (n % 400) * 2 + (1 if sex != "F" else 0)
    if sex is None:
        sequence = n % 800
    return build_resident_id("371302", born, sequence)


def person_name(n: int) -> str:
    return FAMILY[n % len(FAMILY)] + GIVEN[(n // 20) % len(GIVEN)] + GIVEN[(n // 500) % len(GIVEN)]


def roster_row(n: int, **overrides) -> dict:
    row = {
        "姓名": person_name(n), "公民身份号码": person_id(n), "性别": "", "手机号码": f"138{n % 100000000:08d}",
        "民族": "汉族", "政治面貌": "群众", "学历": "本科", "工作单位": "甲公司", "入会日期": "2020-03-01",
        "职工类别": "在职职工", "会员证号": f"C{n:07d}",
    }
    row.update(overrides)
    return row


def roster_rows(count: int, start: int = 0) -> list[dict]:
    return [roster_row(n) for n in range(start, start + count)]


def csv_bytes(rows: list[dict], *, headers=None, encoding: str = "utf-8") -> bytes:
    headers = headers or (list(rows[0]) if rows else HEADERS)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers=None, numeric_ids: bool = False, title: str | None = None) -> bytes:
    """An .xlsx like a clerk's: text cells, or ID numbers stored as numbers with numeric_ids."""
    headers = headers or (list(rows[0]) if rows else HEADERS)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("名册")
    top = 0
    if title:
        sheet.write_string(0, 0, title)
        top = 1
    for col, header in enumerate(headers):
        sheet.write_string(top, col, header)
    for r, row in enumerate(rows, start=top + 1):
        for col, header in enumerate(headers):
            value = row.get(header, "")
            if numeric_ids and header in ("公民身份号码", "id_number") and value.isdigit():
                sheet.write_number(r, col, int(value))
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(r, col, value, book.add_format({"num_format": "yyyy-mm-dd"}))
            else:
                sheet.write_string(r, col, str(value))
    book.close()
    return buffer.getvalue()


def upload(content: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
