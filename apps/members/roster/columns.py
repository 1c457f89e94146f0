"""The roster file's columns (GLOSSARY.md "Roster file headers"), with what the template's
second sheet tells the clerk about each."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.spreadsheets.columns import Column

ROSTER_COLUMNS = (
    Column("name", "姓名", "name", required=True,
           help=_("Required. The member's name as on the ID card; a middle dot (·) is allowed in minority "
                  "names. No digits or symbols.")),
    Column("id_number", "公民身份号码", "id_number", aliases=("身份证号", "身份证号码", "身份证"), required=True, text=True,
           help=_("Required. 18 characters (old 15-digit numbers are converted). Keep this column formatted "
                  "as text: Excel turns long numbers into 3.71302E+17 and loses digits.")),
    Column("sex", "性别", "sex",
           help=_("Optional: derived from the ID number. When given it must agree with it: %(values)s.")),
    Column("phone", "手机号码", "phone", aliases=("联系电话", "手机号", "手机"), text=True,
           help=_("Optional. 11-digit mobile number starting with 1.")),
    Column("ethnicity", "民族", "ethnicity",
           help=_("Optional. A name of GB 3304 with or without 族, e.g. 汉族 or 汉; all are listed below.")),
    Column("political_status", "政治面貌", "political_status", help=_("Optional. One of: %(values)s.")),
    Column("education", "学历", "education", help=_("Optional. One of: %(values)s.")),
    Column("employer_name", "工作单位", "employer", aliases=("employer_name", "单位", "单位名称"),
           help=_("Optional. The employer's full name as in the employer ledger.")),
    Column("joined_on", "入会日期", "joined_on",
           help=_("Optional. A date such as 2023-01-15, 2023/1/15 or 2023年1月15日; not in the future.")),
    Column("worker_category", "职工类别", "worker_category",
           help=_("Optional, 在职职工 when empty. One of: %(values)s.")),
    Column("card_number", "会员证号", "card_number", text=True, help=_("Optional. The member card number.")),
)

# What the upload preview shows of each row (the importer masks the ID number and phone).
ROSTER_PREVIEW_COLUMNS = (
    ("name", pgettext_lazy("person", "name")),
    ("id_number", _("resident ID number")),
    ("sex", _("sex")),
    ("phone", _("mobile phone")),
    ("employer_name", _("employer")),
    ("joined_on", _("joined on")),
)
