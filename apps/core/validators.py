"""One validator per identifier, used by forms, imports and models alike (STYLE.md).

Each `normalize_*` takes what a clerk typed or a spreadsheet cell held and returns the
stored form, or raises ValidationError with a stable `code` and a message a clerk
understands (English here, translated in the catalogue). Each `validate_*` is the
Django-validator form of the same rule, for model and form fields.

Values from spreadsheets arrive with their cell type kept: an ID number that reaches
us as an int or float was stored as a number by Excel and has lost digits, so it is
refused, never guessed (DESIGN.md "Roster upload").
"""

import datetime
import re
import time
from decimal import Decimal
from operator import mul

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- text cleaning -------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_STRIP_ZERO_WIDTH = {ord(c): None for c in ZERO_WIDTH}
# Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space. A targeted
# table rather than NFKC for everything: NFKC would also turn "①" into "1" or "™"
# into "TM", which is not ours to decide in free text.
_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_CLEAN_TABLE = _STRIP_ZERO_WIDTH | _FULL_TO_HALF


def clean_text(value) -> str:
    """Cell or form text as stored: zero-width characters removed, full-width letters,
    digits and punctuation made half-width, inner whitespace collapsed, ends stripped."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii():
        value = value.translate(_CLEAN_TABLE)
    # split() without arguments splits on every Unicode whitespace and drops the ends.
    return " ".join(value.split())


def _compact(value) -> str:
    """clean_text without any inner spaces (identifiers never contain them)."""
    return clean_text(value).replace(" ", "")


_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
_CANONICAL_ID = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: \d would take full-width digits
_DECIMAL = re.compile(r"^\d+\.\d*$")


def _is_number(value) -> bool:
    if type(value) is str:  # the common case, answered without the isinstance checks
        return False
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


_today_cache: list = [0.0, None]


def today() -> datetime.date:
    """timezone.localdate(), re-read at most once a second: an upload checks 100,000 rows."""
    now = time.monotonic()
    if now - _today_cache[0] > 1.0:
        _today_cache[:] = [now, timezone.localdate()]
    return _today_cache[1]


# --- resident ID number (GB 11643-1999) ------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# Province-level codes (GB/T 2260) that open every number; 71/81/82 are Taiwan, Hong
# Kong and Macao, 83 the residence permits of Taiwan residents.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

SEX_MALE = "male"
SEX_FEMALE = "female"


def resident_id_check_char(first17: str) -> str:
    """The 18th character for 17 digits (mod 11 of the weighted sum)."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return ID_CHECK_CHARS[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


def build_resident_id(region: str, birth_date: datetime.date, sequence: int) -> str:
    """A valid 18-character number: 6-digit region, birth date, 3-digit sequence (odd = male).

    For demo data and tests; real numbers come from people.
    """
    first17 = f"{region}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def _id_error(message, code, **params):
    return ValidationError(message, code=code, params=params or None)


def normalize_resident_id(raw) -> str:
    """The stored form of a resident ID number: 18 characters, half-width, upper-case X.

    Accepts surrounding and zero-width spaces, full-width digits and X, lower-case x
    and old 15-digit numbers (converted: century "19" inserted, check character added).
    Refuses a number Excel turned into a number or scientific notation (digits lost),
    a wrong length, other characters, an implausible region, an impossible birth date
    and a wrong check character.
    """
    if type(raw) is str and _CANONICAL_ID.fullmatch(raw):
        return _checked_id(raw)  # the usual cell, already in stored form: skip the cleaning
    if _is_number(raw):
        raise _id_error(
            _("The ID number was stored as a number by Excel, so digits may have been lost; "
              "format the column as text and enter the number again."),
            "id_stored_as_number",
        )
    value = _compact(raw).upper()
    if not value:
        raise _id_error(_("The ID number is empty."), "id_empty")
    if _SCIENTIFIC.match(value):
        raise _id_error(
            _("The ID number %(value)s is in scientific notation: Excel lost its last digits. "
              "Format the column as text and enter the number again."),
            "id_scientific_notation", value=value,
        )
    if _DECIMAL.match(value):
        raise _id_error(
            _("The ID number %(value)s looks like a decimal number: Excel may have lost digits. "
              "Format the column as text and enter the number again."),
            "id_decimal", value=value,
        )
    if len(value) not in (15, 18):
        raise _id_error(
            _("The ID number must have 18 characters (or 15 for an old number); it has %(length)d."),
            "id_length", length=len(value),
        )
    if len(value) == 15:
        if not value.isdigit():
            raise _id_error(_("An old 15-digit ID number may contain digits only."), "id_characters")
        first17 = value[:6] + "19" + value[6:]
        _check_region_and_birth(first17)
        return first17 + resident_id_check_char(first17)
    first17, check = value[:17], value[17]
    if not (first17.isascii() and first17.isdigit()) or check not in "0123456789X":
        raise _id_error(
            _("The ID number may contain only digits, and X as its last character."), "id_characters"
        )
    return _checked_id(value)


def _checked_id(value: str) -> str:
    """An 18-character number of digits (and a final X): region, birth date and check character."""
    first17, check = value[:17], value[17]
    _check_region_and_birth(first17)
    expected = resident_id_check_char(first17)
    if check != expected:
        raise _id_error(
            _("The ID number's check character is wrong (the last character should be %(expected)s): "
              "a digit was probably mistyped."),
            "id_check_character", expected=expected,
        )
    return value


def _check_region_and_birth(first17: str) -> None:
    if int(first17[:2]) not in PROVINCE_CODES:
        raise _id_error(
            _("The ID number starts with %(prefix)s, which is not a region code."),
            "id_region", prefix=first17[:2],
        )
    try:
        born = datetime.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        raise _id_error(
            _("The birth date in the ID number (%(digits)s) is not a real date."),
            "id_birth_date", digits=first17[6:14],
        ) from None
    if born < EARLIEST_BIRTH_DATE or born > today():
        raise _id_error(
            _("The birth date in the ID number (%(date)s) is impossible."),
            "id_birth_date", date=born.isoformat(),
        )


def validate_resident_id(value) -> None:
    """Django validator: the value must already be a valid (normalizable) ID number."""
    normalize_resident_id(value)


def resident_id_birth_date(id_number: str) -> datetime.date:
    """Birth date of a normalized 18-character number."""
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def resident_id_sex(id_number: str) -> str:
    """SEX_MALE or SEX_FEMALE from the 17th character (odd = male) of a normalized number."""
    return SEX_MALE if int(id_number[16]) % 2 else SEX_FEMALE


# --- mobile phone ----------------------------------------------------------------

_PHONE_PUNCTUATION = re.compile(r"[\s\-()]")
_PHONE = re.compile(r"^1\d{10}$")


def normalize_phone(raw) -> str:
    """11 digits starting with 1; "+86"/"0086", spaces, dashes and brackets are dropped."""
    if _is_number(raw):
        if raw != int(raw):
            raise ValidationError(_("Enter an 11-digit mobile number starting with 1."), code="phone_invalid")
        raw = str(int(raw))
    value = _PHONE_PUNCTUATION.sub("", clean_text(raw))
    if _SCIENTIFIC.match(value):
        raise ValidationError(
            _("The mobile number is in scientific notation: Excel lost digits. Format the column as text."),
            code="phone_scientific_notation",
        )
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if not _PHONE.match(value):
        raise ValidationError(_("Enter an 11-digit mobile number starting with 1."), code="phone_invalid")
    return value


def validate_phone(value) -> None:
    normalize_phone(value)


# --- unified social credit code (GB 32100-2015) ---------------------------------------

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{18}}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(raw) -> str:
    """18 characters from GB 32100-2015's alphabet (no I, O, S, V, Z) with the right check character."""
    value = _compact(raw).upper()
    if len(value) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters; it has %(length)d."),
            code="credit_code_length", params={"length": len(value)},
        )
    if not _CREDIT_CODE.match(value):
        raise ValidationError(
            _("The unified social credit code may contain only digits and capital letters other than "
              "I, O, S, V and Z."),
            code="credit_code_characters",
        )
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The unified social credit code's check character is wrong (the last character should be "
              "%(expected)s): a character was probably mistyped."),
            code="credit_code_check_character", params={"expected": expected},
        )
    return value


def validate_credit_code(value) -> None:
    normalize_credit_code(value)


# --- dates -------------------------------------------------------------------------

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_DATE_SEPARATED = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
_SERIAL = re.compile(r"^\d+(\.\d+)?$")


def _date_error(value):
    return ValidationError(
        _("%(value)s is not a date; write it as 2023-01-15, 2023/1/15, 2023.1.15 or 2023年1月15日."),
        code="date_invalid", params={"value": value},
    )


def excel_serial_to_date(serial) -> datetime.date:
    """A date from Excel's 1900 date system (which counts the non-existent 1900-02-29 as day 60)."""
    day = int(serial)
    if day < 1 or day > _EXCEL_MAX_SERIAL or day == 60:
        raise _date_error(serial)
    if day < 60:
        day += 1  # before Excel's phantom leap day the epoch is one day later
    return _EXCEL_EPOCH + datetime.timedelta(days=day)


def parse_date(value) -> datetime.date:
    """A date from a date/datetime, "2023-01-15", "2023/1/15", "2023.1.15", "2023年1月15日"
    or an Excel serial number (as a number or numeric text)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if _is_number(value):
        return excel_serial_to_date(value)
    text = clean_text(value)
    if not text:
        raise ValidationError(_("The date is empty."), code="date_empty")
    if match := _DATE_SEPARATED.match(text):
        year, month, day = match.group(1), match.group(3), match.group(4)
    elif match := _DATE_CHINESE.match(text):
        year, month, day = match.groups()
    elif _SERIAL.match(text):
        return excel_serial_to_date(float(text))
    else:
        raise _date_error(text)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise _date_error(text) from None


def validate_not_future(value: datetime.date) -> None:
    if value > today():
        raise ValidationError(
            _("The date %(date)s is in the future."), code="date_future", params={"date": value.isoformat()}
        )


# --- person names --------------------------------------------------------------------

NAME_MAX_LENGTH = 50
# CJK ideographs (basic, extension A, compatibility, extensions B–F), Latin letters with
# accents, the middle dot of minority names (and its look-alikes), spaces, apostrophes,
# inner hyphens and dots of Latin names.
_NAME_CHARS = re.compile(
    r"^[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002ebef"
    r"A-Za-z\u00c0-\u024f·•・‧\u2027 '.\-]+$"
)
_DIGIT = re.compile(r"\d")
_MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·"})


def normalize_person_name(raw) -> str:
    """A person's name as stored: cleaned text, middle-dot look-alikes unified to "·".

    Refuses markup, formula starts (= + - @), digits, other symbols and names over 50
    characters; a name that is not a name is an error, never stored.
    """
    value = clean_text(raw)
    if not value:
        raise ValidationError(_("The name is empty."), code="name_empty")
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("The name has more than %(max)d characters."), code="name_too_long", params={"max": NAME_MAX_LENGTH}
        )
    if value[0] in "=+-@":
        raise ValidationError(
            _("A name cannot start with %(char)s (a spreadsheet formula)."), code="name_formula",
            params={"char": value[0]},
        )
    if "<" in value or ">" in value:
        raise ValidationError(_("A name cannot contain < or > (markup)."), code="name_markup")
    if _DIGIT.search(value):
        raise ValidationError(_("A name cannot contain digits."), code="name_digits")
    if not _NAME_CHARS.match(value):
        raise ValidationError(
            _("The name contains characters that do not belong in a name."), code="name_characters"
        )
    return value.translate(_MIDDLE_DOTS)


def validate_person_name(value) -> None:
    normalize_person_name(value)
