"""One rule for a member's fields, used by the create/edit forms, the services and the
roster upload alike (STYLE.md "one validator per identifier").

`clean_member_input(raw)` takes what a clerk typed or a spreadsheet row held (codes,
English labels or the Chinese words of GLOSSARY.md for the choice columns) and returns
the stored values, or raises ValidationError with a dict {field: [messages]} naming
every bad field at once. `CHOICE_WORDS` is also what the export writes, so an export
re-imports unchanged (the round trip).
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.validators import (
    SEX_MALE,
    clean_text,
    normalize_person_name,
    normalize_phone,
    normalize_resident_id,
    parse_date,
    resident_id_birth_date,
    resident_id_sex,
    validate_not_future,
)

from .models import Education, MemberStatus, PoliticalStatus, Sex, WorkerCategory

# The Chinese words of GLOSSARY.md (and common variants) for each stored choice. The
# first word is the one the template and the export write.
CHOICE_WORDS: dict[type, dict[str, tuple[str, ...]]] = {
    Sex: {Sex.MALE: ("男", "男性"), Sex.FEMALE: ("女", "女性")},
    PoliticalStatus: {
        PoliticalStatus.CPC_MEMBER: ("中共党员", "党员"),
        PoliticalStatus.CPC_PROBATIONARY: ("中共预备党员", "预备党员"),
        PoliticalStatus.CYL_MEMBER: ("共青团员", "团员"),
        PoliticalStatus.DEMOCRATIC_PARTY: ("民主党派成员", "民主党派"),
        PoliticalStatus.NON_PARTY: ("无党派人士",),
        PoliticalStatus.MASSES: ("群众",),
    },
    Education: {
        Education.PRIMARY: ("小学及以下", "小学"),
        Education.JUNIOR_HIGH: ("初中",),
        Education.SENIOR_HIGH: ("高中/中专", "高中", "中专", "中职", "技校"),
        Education.JUNIOR_COLLEGE: ("大专", "专科", "高职"),
        Education.BACHELOR: ("本科", "大学本科"),
        Education.MASTER: ("硕士研究生", "硕士", "研究生"),
        Education.DOCTORATE: ("博士研究生", "博士"),
    },
    WorkerCategory: {
        WorkerCategory.REGULAR: ("在职职工", "职工"),
        WorkerCategory.MIGRANT: ("农民工",),
        WorkerCategory.NEW_EMPLOYMENT: ("新就业形态劳动者", "新就业形态"),
        WorkerCategory.DISPATCHED: ("劳务派遣工", "派遣工", "劳务派遣"),
    },
    MemberStatus: {
        MemberStatus.ACTIVE: ("在册",),
        MemberStatus.RETAINED: ("保留会籍",),
        MemberStatus.TRANSFERRED_OUT: ("已转出",),
        MemberStatus.WITHDRAWN: ("已退会",),
        MemberStatus.DECEASED: ("已故",),
    },
}


def choice_word(choices: type, value: str) -> str:
    """The Chinese word written to files for a stored choice ("" for blank)."""
    return CHOICE_WORDS[choices][value][0] if value else ""


@functools.lru_cache(maxsize=64)
def _choice_lookup(choices: type, language: str | None) -> dict[str, str]:
    """Every accepted spelling → stored value, built once per choices class and language
    (formatting lazy labels on every cell cost the roster upload two thirds of its cleaning)."""
    table = {}
    for value, label in choices.choices:
        table[value.casefold()] = value
        table[str(label).casefold()] = value
    return table | _word_lookup(choices)  # the Chinese words win, in every language


@functools.lru_cache(maxsize=16)
def _word_lookup(choices: type) -> dict[str, str]:
    """The Chinese words → stored value; the same in every language, so a cell holding one
    is parsed without asking for the active language (100,000 times per upload)."""
    return {word: value for value, words in CHOICE_WORDS[choices].items() for word in words}


def parse_choice(choices: type, raw) -> str:
    """A stored choice from its code, English label or a Chinese word; "" for a blank cell."""
    text = clean_text(raw)
    if not text:
        return ""
    value = _word_lookup(choices).get(text)
    if value:
        return value
    lookup = _choice_lookup(choices, get_language())
    value = lookup.get(text) or lookup.get(text.casefold())
    if value:
        return value
    allowed = "、".join(words[0] for words in CHOICE_WORDS[choices].values())
    raise ValidationError(
        _("%(value)s is not one of the allowed values: %(allowed)s."),
        code="invalid_choice",
        params={"value": text, "allowed": allowed},
    )


# Fields a clerk provides; sex and birth date derive from the ID number.
INPUT_FIELDS = (
    "name",
    "id_number",
    "sex",
    "phone",
    "ethnicity",
    "political_status",
    "education",
    "employer_name",
    "joined_on",
    "worker_category",
    "card_number",
)
_TEXT_LIMITS = {"ethnicity": 20, "employer_name": 200, "card_number": 32}


def _clean_one(field: str, raw):
    if field == "name":
        return normalize_person_name(raw)
    if field == "id_number":
        return normalize_resident_id(raw)
    if field == "phone":
        return normalize_phone(raw) if clean_text(raw) else ""
    if field in ("political_status", "education"):
        return parse_choice(PoliticalStatus if field == "political_status" else Education, raw)
    if field == "worker_category":
        return parse_choice(WorkerCategory, raw) or WorkerCategory.REGULAR
    if field == "joined_on":
        if raw is None or (isinstance(raw, str) and not clean_text(raw)):
            return None
        value = parse_date(raw)
        validate_not_future(value)
        return value
    if field == "sex":
        return parse_choice(Sex, raw)
    text = clean_text(raw)
    if len(text) > _TEXT_LIMITS[field]:
        raise ValidationError(
            _("At most %(max)d characters."), code="too_long", params={"max": _TEXT_LIMITS[field]}
        )
    if text[:1] in ("=", "+", "-", "@"):
        raise ValidationError(
            _("A value cannot start with %(char)s (a spreadsheet formula)."),
            code="formula",
            params={"char": text[0]},
        )
    return text


# Fields whose cleaning depends on the cell alone (and the language, fixed during one
# upload): a roster repeats their values, so an upload cleans each distinct cell once.
_CACHEABLE = frozenset({"sex", "ethnicity", "political_status", "education", "employer_name",
                        "worker_category", "joined_on"})
CACHE_LIMIT = 20_000  # distinct cells kept per upload; memory stays bounded


def _clean_cached(field: str, value: str, cache: dict):
    key = (field, value)
    try:
        return cache[key]
    except KeyError:
        pass
    if field == "joined_on":  # parse once; "not in the future" is checked on every row
        cleaned = parse_date(value) if clean_text(value) else None
    else:
        cleaned = _clean_one(field, value)
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = cleaned  # only values that passed; a bad cell raises again every time
    return cleaned


def clean_member_input(raw: dict, *, cache: dict | None = None) -> dict:
    """The stored values of a member's fields from raw input, with sex and birth date
    derived from the ID number. A given sex must agree with the ID; the joining date may
    not lie in the future nor before the birth date. Raises ValidationError({field: [...]})
    listing every bad field; fields absent from `raw` are left out of the result.

    `cache` (an empty dict kept for one upload, one language) remembers the cleaned value
    of repeated cells; the rules applied are the same."""
    cleaned: dict = {}
    errors: dict[str, list] = {}
    for field in INPUT_FIELDS:
        if field not in raw:
            continue
        try:
            value = raw[field]
            if cache is None or type(value) is not str or field not in _CACHEABLE:
                cleaned[field] = _clean_one(field, value)
            else:
                value = cleaned[field] = _clean_cached(field, value, cache)
                if field == "joined_on" and value is not None:
                    validate_not_future(value)
        except ValidationError as exc:
            errors[field] = exc.error_list
    id_number = cleaned.get("id_number")
    if id_number:
        derived_sex = Sex.MALE if resident_id_sex(id_number) == SEX_MALE else Sex.FEMALE
        if cleaned.get("sex") and cleaned["sex"] != derived_sex:
            errors.setdefault("sex", []).append(
                ValidationError(
                    _(
                        "The sex (%(given)s) contradicts the ID number, "
                        "which belongs to a %(derived)s person."
                    ),
                    code="sex_contradicts_id",
                    params={"given": choice_word(Sex, cleaned["sex"]), "derived": Sex(derived_sex).label},
                )
            )
        cleaned["sex"] = derived_sex
        cleaned["birth_date"] = resident_id_birth_date(id_number)
        joined_on = cleaned.get("joined_on")
        if isinstance(joined_on, datetime.date) and joined_on < cleaned["birth_date"]:
            errors.setdefault("joined_on", []).append(
                ValidationError(
                    _("The joining date lies before the birth date in the ID number."),
                    code="joined_before_birth",
                )
            )
    else:
        cleaned.pop("sex", None)
    if errors:
        raise ValidationError(errors)
    return cleaned
