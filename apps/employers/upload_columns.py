"""The employer ledger file's columns and how each cell is read.

Headers may be Chinese (the template's) or English. Choice columns accept the stored code,
the English label, or the Chinese words clerks write (制造业, 民营, 快递 …); the lists below
are data, not interface text.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.spreadsheets.columns import Column
from apps.core.spreadsheets.writer import write_upload_template
from apps.core.validators import clean_text, normalize_credit_code, parse_date

from .models import Employer, Industry, NewSectorKind, Ownership

INDUSTRY_WORDS = {
    "A": ["农、林、牧、渔业", "农林牧渔业", "农业"],
    "B": ["采矿业"],
    "C": ["制造业"],
    "D": ["电力、热力、燃气及水生产和供应业", "电力热力燃气及水生产和供应业"],
    "E": ["建筑业"],
    "F": ["批发和零售业", "批发零售业"],
    "G": ["交通运输、仓储和邮政业", "交通运输仓储和邮政业"],
    "H": ["住宿和餐饮业", "住宿餐饮业"],
    "I": ["信息传输、软件和信息技术服务业", "信息传输软件和信息技术服务业"],
    "J": ["金融业"],
    "K": ["房地产业"],
    "L": ["租赁和商务服务业"],
    "M": ["科学研究和技术服务业"],
    "N": ["水利、环境和公共设施管理业", "水利环境和公共设施管理业"],
    "O": ["居民服务、修理和其他服务业", "居民服务修理和其他服务业"],
    "P": ["教育"],
    "Q": ["卫生和社会工作"],
    "R": ["文化、体育和娱乐业", "文化体育和娱乐业"],
    "S": ["公共管理、社会保障和社会组织", "公共管理社会保障和社会组织"],
    "T": ["国际组织"],
}
OWNERSHIP_WORDS = {
    "state_owned": ["国有", "国有企业", "国有控股", "国企"],
    "collective": ["集体", "集体企业"],
    "private": ["私营", "民营", "私营企业", "民营企业", "非公企业"],
    "foreign_funded": ["外资", "外商投资", "外资企业", "港澳台", "港澳台投资", "中外合资"],
    "public_institution": ["事业单位", "事业"],
    "government_agency": ["机关", "党政机关", "机关单位"],
    "social_organization": ["社会组织", "社会团体", "民办非企业"],
    "individual_business": ["个体", "个体工商户"],
    "other": ["其他"],
}
NEW_SECTOR_WORDS = {
    "courier": ["快递", "快递物流", "快递企业"],
    "food_delivery": ["外卖", "外卖配送", "外卖平台"],
    "ride_hailing": ["网约车", "网约车平台"],
    "freight": ["货运", "货车", "货运物流", "货车司机"],
    "internet_platform": ["互联网平台", "平台企业", "互联网"],
    "social_organization": ["社会组织"],
    "law_firm": ["律师事务所", "律所"],
    "accounting_firm": ["会计师事务所"],
    "property_management": ["物业", "物业服务", "物业管理"],
    "other": ["其他"],
}
NOT_NEW_SECTOR_WORDS = ["否", "无", "不是", "no", "none"]
STATUS_WORDS = {"active": ["正常", "在营", "存续", "开业"], "closed": ["注销", "关闭", "吊销", "停业"]}

_SECTION = re.compile(r"^([A-Ta-t])(?:$|[\s.、:：\-]|[^A-Za-z])")


def _key(value) -> str:
    return clean_text(value).replace(" ", "").lower()


def _lookup(choices, words: dict) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[_key(value)] = value
        table[_key(label)] = value
        with translation.override("en"):
            table[_key(str(label))] = value
    for value, names in words.items():
        for name in names:
            table[_key(name)] = value
    return table


def _choice_reader(choices, words, message):
    table = None

    def read(raw):
        nonlocal table
        if table is None:  # built on first use: labels are lazy translations
            table = _lookup(choices, words)
        text = clean_text(raw)
        value = table.get(_key(text))
        if value is None:
            raise ValidationError(message, params={"value": text}, code="choice")
        return value

    return read


def read_industry(raw) -> str:
    text = clean_text(raw)
    match = _SECTION.match(text)
    if match:
        return match.group(1).upper()
    return _read_industry_word(raw)


_read_industry_word = _choice_reader(
    Industry.choices,
    INDUSTRY_WORDS,
    _("%(value)s is not an industry section; write its letter A–T or its name (e.g. C or 制造业)."),
)
read_ownership = _choice_reader(
    Ownership.choices,
    OWNERSHIP_WORDS,
    _("%(value)s is not an ownership type we know (e.g. 国有, 民营, 外资, 个体)."),
)
_read_kind = _choice_reader(
    NewSectorKind.choices,
    NEW_SECTOR_WORDS,
    _(
        "%(value)s is not a new-sector kind we know (e.g. 快递, 外卖, 网约车, 货运, 律师事务所); leave it empty "
        "when the employer is not in the new sectors."
    ),
)
read_status = _choice_reader(
    Employer.Status.choices,
    STATUS_WORDS,
    _("%(value)s is not a status we know; write 正常 or 注销."),
)


def read_new_sector_kind(raw) -> str:
    if _key(raw) in NOT_NEW_SECTOR_WORDS:
        return ""
    return _read_kind(raw)


_INTEGER = re.compile(r"^[+-]?\d+$")


def read_headcount(raw) -> int:
    """A whole number of people, 0 or more; "120人" and "1,200" are read, 12.5 and "abc" are not."""
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, int | float):
        number = raw
    else:
        text = clean_text(raw).replace(",", "").replace("，", "").removesuffix("人")
        if not _INTEGER.match(text):
            raise ValidationError(
                _("%(value)s is not a number of people; write a whole number such as 120."),
                params={"value": clean_text(raw)},
                code="headcount_number",
            )
        number = int(text)
    if number != int(number):
        raise ValidationError(
            _("%(value)s is not a whole number of people."), params={"value": raw}, code="headcount_whole"
        )
    if number < 0:
        raise ValidationError(
            _("The headcount cannot be negative (%(value)s)."),
            params={"value": int(number)},
            code="headcount_negative",
        )
    return int(number)


def read_code(raw) -> str:
    """Organization codes as typed; Excel may have turned 371302 into 371302.0."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return clean_text(raw)


EMPLOYER_COLUMNS = (
    Column(
        "name",
        "单位名称",
        "name",
        aliases=("单位", "名称", "employer", "employer_name"),
        required=True,
        help=_("Required. The employer's registered full name."),
    ),
    Column(
        "social_credit_code",
        "统一社会信用代码",
        "social_credit_code",
        aliases=("信用代码", "credit_code"),
        clean=normalize_credit_code,
        text=True,
        help=_(
            "18 characters with the right check character (GB 32100-2015). Identifies the employer: "
            "uploading it again updates the same employer. Without it the employer is matched by name "
            "within its county/district."
        ),
    ),
    Column(
        "county",
        "所属县区",
        "county",
        aliases=("县区", "县(市、区)", "区县", "county_code", "县区代码"),
        clean=read_code,
        help=_(
            "The county/district's code or name. Optional when you upload for one county/district: "
            "the rows go into it; it must be that one."
        ),
    ),
    Column(
        "township",
        "乡镇(街道)",
        "township",
        aliases=("乡镇街道", "乡镇", "街道", "township_code"),
        clean=read_code,
        help=_("Optional. The township/street federation's code or name, in the row's county/district."),
    ),
    Column(
        "industry",
        "行业门类",
        "industry",
        aliases=("行业", "所属行业"),
        clean=read_industry,
        help=_("Optional. The national industry classification section: a letter A–T or its name."),
    ),
    Column(
        "ownership",
        "经济类型",
        "ownership",
        aliases=("所有制", "所有制类型", "单位性质"),
        clean=read_ownership,
        help=_("Optional. 国有, 集体, 民营, 外资, 事业单位, 机关, 社会组织, 个体 or 其他."),
    ),
    Column(
        "headcount",
        "职工人数",
        "headcount",
        aliases=("职工数", "人数", "在岗职工人数"),
        required=True,
        clean=read_headcount,
        help=_("Required. The number of employees, a whole number (0 or more)."),
    ),
    Column(
        "new_sector_kind",
        "新领域类型",
        "new_sector_kind",
        aliases=("新业态类型", "新领域新业态"),
        clean=read_new_sector_kind,
        help=_(
            "Optional. For new-sector employers: 快递, 外卖, 网约车, 货运, 互联网平台, 社会组织, 律师事务所, "
            "会计师事务所, 物业 or 其他. Empty (or 否) when not in the new sectors."
        ),
    ),
    Column(
        "covering_union",
        "覆盖工会代码",
        "covering_union",
        aliases=("工会代码", "所属工会代码", "union_code"),
        clean=read_code,
        help=_(
            "Optional. The code of the grassroots or joint grassroots union that covers the employer; "
            "empty when there is none yet. It must be in your scope."
        ),
    ),
    Column(
        "union_established_on",
        "建会日期",
        "union_established_on",
        aliases=("建会时间", "工会成立日期"),
        clean=parse_date,
        help=_("Optional. The date the union was established, e.g. 2023-01-15."),
    ),
    Column(
        "status",
        "状态",
        "status",
        aliases=("经营状态",),
        clean=read_status,
        help=_("Optional, 正常 when empty. 正常 or 注销; closed employers are left out of the rates."),
    ),
)

# What the upload preview shows of each row.
EMPLOYER_PREVIEW_COLUMNS = (
    ("name", _("name")),
    ("social_credit_code", _("unified social credit code")),
    ("county_name", _("county/district")),
    ("headcount", _("headcount")),
    ("new_sector_kind", _("new sector kind")),
    ("covering_union_name", _("covering union")),
    ("union_established_on", _("union established on")),
)


def write_employer_template(target) -> None:
    """Chinese headers, the credit code column as text, and a sheet explaining each column."""
    write_upload_template(target, sheet_name="单位台账", columns=EMPLOYER_COLUMNS)
