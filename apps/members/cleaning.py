"""One rule for a member's fields, used by the create/edit forms, the services and the
roster upload alike (STYLE.md "one validator per identifier").

`clean_member_input(raw)` takes what a clerk typed or a spreadsheet row held (for the
choice columns: the words of apps.members.choice_words, codes or labels) and returns
the stored values, or raises ValidationError with a dict {field: [messages]} naming
every bad field at once. The first word of each value is also what the export writes,
so an export re-imports unchanged (the round trip).
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

from .choice_words import CHOICE_WORDS, COLUMN_CHOICES, COLUMN_WORDS, word_key, written_words
from .models import Sex, WorkerCategory


def choice_word(choices: type, value: str) -> str:
    """The Chinese word written to files for a stored choice ("" for blank)."""
    return CHOICE_WORDS[choices][value][0] if value else ""


_FIELD_OF_CHOICES = {choices: field for field, choices in COLUMN_CHOICES.items() if choices is not None}


@functools.lru_cache(maxsize=16)
def _word_lookup(field: str) -> dict[str, str]:
    """A column's words → stored value, each as written and as word_key compares it; the
    same in every language, so a cell holding one is parsed without asking for the active
    language (100,000 times per upload)."""
    table = {}
    for value, words in COLUMN_WORDS[field].items():
        for word in words:
            table[word] = table[word_key(word)] = value
    return table


@functools.lru_cache(maxsize=64)
def _choice_lookup(choices: type, language: str | None) -> dict[str, str]:
    """Codes and labels → stored value, built once per choices class and language
    (formatting lazy labels on every cell cost the roster upload two thirds of its cleaning)."""
    table = {}
    for value, label in choices.choices:
        table[word_key(value)] = value
        table[word_key(str(label))] = value
    return table


def parse_word(field: str, raw) -> str:
    """The stored value of a choice column (apps.members.choice_words.COLUMN_WORDS) from one
    of its words, a code or a label of the active language; "" for a blank cell."""
    text = clean_text(raw)
    if not text:
        return ""
    words = _word_lookup(field)
    value = words.get(text) or words.get(word_key(text))
    if value:
        return value
    choices = COLUMN_CHOICES[field]
    if choices is not None and (value := _choice_lookup(choices, get_language()).get(word_key(text))):
        return value
    if field == "ethnicity":  # 58 names are too many for one message
        raise ValidationError(
            _("%(value)s is not an ethnic group named in GB 3304, such as 汉族, 回族 or 满族 "
              "(the template's explanation sheet lists them all)."),
            code="invalid_choice",
            params={"value": text},
        )
    raise ValidationError(
        _("%(value)s is not one of the allowed values: %(allowed)s."),
        code="invalid_choice",
        params={"value": text, "allowed": "、".join(written_words(field))},
    )


def parse_choice(choices: type, raw) -> str:
    """A stored choice from its code, label or one of its words; "" for a blank cell."""
    return parse_word(_FIELD_OF_CHOICES[choices], raw)


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
_TEXT_LIMITS = {"employer_name": 200, "card_number": 32}


def _clean_one(field: str, raw):
    if field == "name":
        return normalize_person_name(raw)
    if field == "id_number":
        return normalize_resident_id(raw)
    if field == "phone":
        return normalize_phone(raw) if clean_text(raw) else ""
    if field == "worker_category":
        return parse_word(field, raw) or WorkerCategory.REGULAR
    if field in COLUMN_WORDS:
        return parse_word(field, raw)
    if field == "joined_on":
        if raw is None or (isinstance(raw, str) and not clean_text(raw)):
            return None
        value = parse_date(raw)
        validate_not_future(value)
        return value
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
