"""Spreadsheets of the lists, with the lists' filters (apps.core.spreadsheets.writer: formula
starts neutralized, every string written as a string)."""

import os
import tempfile

from django.http import FileResponse
from django.utils import timezone

from apps.core.spreadsheets.writer import SafeWorkbook

from .choices import EnterpriseLevel, HonorLevel, Kind, Level, Status

CHUNK = 2000
COMPETITION_HEADERS = ("竞赛名称", "类别", "级别", "主办单位", "县(市、区)", "服务产业", "重点工程", "开始日期", "结束日期",
                       "状态")
HONOR_HEADERS = ("获得者", "荣誉", "级别", "年度", "所属工会", "县(市、区)", "职务或岗位")
PAYMENT_HEADERS = ("拨付日期", "单位名称", "统一社会信用代码", "县(市、区)", "级别", "金额(元)", "备注")
ENTERPRISE_HEADERS = ("单位名称", "统一社会信用代码", "县(市、区)", "级别", "命名年度", "资助金额(元)", "已拨付(元)")


def _response(write, name: str) -> FileResponse:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        write(path)
        handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{name}-{stamp}.xlsx")


def _sheet(name, sheet_name, headers, rows, text_columns=()):
    def write(path):
        with SafeWorkbook(path) as book:
            sheet = book.add_sheet(sheet_name, text_columns=text_columns)
            sheet.write_row(headers, book.header_format)
            for row in rows:
                sheet.write_row(row)

    return _response(write, name)


def competitions_response(queryset) -> FileResponse:
    kinds, levels, statuses = dict(Kind.choices), dict(Level.choices), dict(Status.choices)
    rows = ([c.name, str(kinds[c.kind]), str(levels[c.level]), c.host.name,
             c.host.county.name if c.host.county else "", c.industry.name if c.industry else "", c.project,
             c.starts_on, c.ends_on, str(statuses[c.status])] for c in queryset.iterator(chunk_size=CHUNK))
    return _sheet("competitions", "劳动和技能竞赛", COMPETITION_HEADERS, rows)


def honors_response(queryset) -> FileResponse:
    levels = dict(HonorLevel.choices)
    rows = ([h.honoree, h.kind.name, str(levels[h.level]), h.year, h.organization.name,
             h.organization.county.name if h.organization.county else "", h.title]
            for h in queryset.iterator(chunk_size=CHUNK))
    return _sheet("honors", "荣誉", HONOR_HEADERS, rows)


def enterprises_response(queryset) -> FileResponse:
    levels = dict(EnterpriseLevel.choices)
    rows = ([e.employer.name, e.employer.social_credit_code, e.employer.county.name if e.employer.county else "",
             str(levels[e.level]), e.year_named, e.granted, e.paid or 0] for e in queryset.iterator(chunk_size=CHUNK))
    return _sheet("innovation-enterprises", "全员创新企业", ENTERPRISE_HEADERS, rows, text_columns=(1,))


def payments_response(queryset) -> FileResponse:
    levels = dict(EnterpriseLevel.choices)
    rows = ([p.paid_on, p.enterprise.employer.name, p.enterprise.employer.social_credit_code,
             p.enterprise.employer.county.name if p.enterprise.employer.county else "",
             str(levels[p.enterprise.level]), p.amount, p.note] for p in queryset.iterator(chunk_size=CHUNK))
    return _sheet("fund-payments", "专项资金拨付", PAYMENT_HEADERS, rows, text_columns=(2,))
