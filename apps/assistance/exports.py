"""Spreadsheets of hardship files and of assistance per period (issue 16 item 9).

Written by apps.core.spreadsheets.writer (formula starts neutralized, text columns kept
text), masked unless the user asked for and holds assistance.reveal — and then written
to the access log with the filters used."""

import os
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.core.privacy import mask_id_number, mask_phone
from apps.core.spreadsheets.writer import SafeWorkbook
from apps.organizations.scope import visible_organizations

from .choices import AssistanceKind, Category, Cause, FileStatus, FundSource

CHUNK = 2000
FILE_HEADERS = ("户主姓名", "公民身份号码", "联系电话", "所属工会", "县(市、区)", "困难类别", "致困原因", "家庭人口",
                "家庭月收入", "人均月收入", "最低生活保障标准", "档案状态", "复核到期", "家庭住址", "开户银行", "银行账号")
RECORD_HEADERS = ("日期", "户主姓名", "公民身份号码", "所属工会", "县(市、区)", "帮扶类别", "金额(元)", "物资或服务",
                  "资金来源", "送达人", "活动")


def log_unmasked_export(*, actor, what: str, params, organization=None) -> None:
    organization = organization or actor.organization or visible_organizations(actor).order_by("depth").first()
    detail = "; ".join(f"{k}={v}" for k, v in params.items() if k not in ("unmasked", "page", "sort") and v)
    record_sensitive_access(actor=actor, action=SensitiveAccess.Action.EXPORT_UNMASKED, subject=None,
                            organization=organization, detail=f"{what}: {detail or _('everything in scope')}")


def _response(write, name: str) -> FileResponse:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        write(path)
        handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{name}-{stamp}.xlsx")


def file_rows(queryset, *, unmasked: bool):
    causes, categories, statuses = dict(Cause.choices), dict(Category.choices), dict(FileStatus.choices)
    for f in queryset.select_related("organization", "organization__county").iterator(chunk_size=CHUNK):
        yield [
            f.head_name, f.head_id_number if unmasked else mask_id_number(f.head_id_number),
            f.head_phone if unmasked else mask_phone(f.head_phone), f.organization.name,
            f.organization.county.name if f.organization.county else "", str(categories.get(f.category, "")),
            "、".join(str(causes.get(c, c)) for c in f.causes), f.household_size, f.monthly_income,
            f.income_per_head, f.living_standard, str(statuses.get(f.status, "")), f.valid_until, f.address,
            f.bank_name, f.bank_account if unmasked else mask_id_number(f.bank_account),
        ]


def files_response(queryset, *, unmasked: bool) -> FileResponse:
    def write(path):
        with SafeWorkbook(path) as book:
            sheet = book.add_sheet("困难职工档案", text_columns=(1, 2, 15))
            sheet.write_row(FILE_HEADERS, book.header_format)
            for row in file_rows(queryset, unmasked=unmasked):
                sheet.write_row(row)

    return _response(write, "hardship-files")


def record_rows(queryset, *, unmasked: bool):
    kinds, sources = dict(AssistanceKind.choices), dict(FundSource.choices)
    for r in queryset.iterator(chunk_size=CHUNK):
        f = r.file
        yield [
            r.given_on, f.head_name, f.head_id_number if unmasked else mask_id_number(f.head_id_number),
            f.organization.name, f.organization.county.name if f.organization.county else "",
            str(kinds.get(r.kind, "")), r.amount, r.goods, str(sources.get(r.fund_source, "")), r.delivered_by,
            r.campaign.name if r.campaign else "",
        ]


def records_response(queryset, *, unmasked: bool) -> FileResponse:
    def write(path):
        with SafeWorkbook(path) as book:
            sheet = book.add_sheet("帮扶救助", text_columns=(2,))
            sheet.write_row(RECORD_HEADERS, book.header_format)
            for row in record_rows(queryset, unmasked=unmasked):
                sheet.write_row(row)

    return _response(write, "assistance")
