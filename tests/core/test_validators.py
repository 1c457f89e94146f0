import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.validators import (
    SEX_FEMALE,
    SEX_MALE,
    build_resident_id,
    clean_text,
    credit_code_check_char,
    normalize_credit_code,
    normalize_person_name,
    normalize_phone,
    normalize_resident_id,
    parse_date,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_sex,
    validate_credit_code,
    validate_not_future,
    validate_person_name,
    validate_phone,
    validate_resident_id,
)

KNOWN_VALID_ID = "11010519491231002X"  # the example number of GB 11643-1999
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def code_of(call, *args):
    with pytest.raises(ValidationError) as exc:
        call(*args)
    return exc.value.code


def test_check_char_follows_gb_11643_weights():
    # weighted sum of 11010519491231002 = 167; 167 % 11 = 2 → "X"
    assert resident_id_check_char("11010519491231002") == "X"
    assert normalize_resident_id(KNOWN_VALID_ID) == KNOWN_VALID_ID


@pytest.mark.parametrize("sequence", range(0, 1000, 37))
def test_generated_ids_are_accepted(sequence):
    number = build_resident_id("371302", datetime.date(1985, 6, 30), sequence)
    assert normalize_resident_id(number) == number


def test_every_wrong_check_char_is_refused():
    first17 = KNOWN_VALID_ID[:17]
    for char in "0123456789X":
        if char != "X":
            assert code_of(normalize_resident_id, first17 + char) == "id_check_character"


@pytest.mark.parametrize(
    "raw",
    [
        " 11010519491231002x ",
        "\u200b11010519491231002X\ufeff",
        "\u300011010519491231002X\u3000",
        KNOWN_VALID_ID.translate(FULL_WIDTH),
        "１１０１０５１９４９１２３１００２ｘ",
        "\u200c\u200d11010519491231002X",
    ],
)
def test_id_normalizes_spaces_full_width_and_lower_x(raw):
    assert normalize_resident_id(raw) == KNOWN_VALID_ID


def test_old_15_digit_id_becomes_18_with_century_and_check_char():
    assert normalize_resident_id("110105491231002") == KNOWN_VALID_ID
    new = build_resident_id("370102", datetime.date(1970, 3, 5), 123)
    old = new[:6] + new[8:17]
    assert normalize_resident_id(old) == new


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (3.71302e17, "id_stored_as_number"),
        (371302198506300012, "id_stored_as_number"),
        ("3.71302E+17", "id_scientific_notation"),
        ("3.71302e17", "id_scientific_notation"),
        ("371302198506300000.0", "id_decimal"),
        ("", "id_empty"),
        (None, "id_empty"),
        ("1101051949123100", "id_length"),
        ("11010519491231002XX", "id_length"),
        ("1101051949123100AX", "id_characters"),
        ("X1010519491231002X", "id_characters"),
        ("11010549123100A", "id_characters"),
        ("99010519491231002X", "id_region"),
        ("10010519491231002X", "id_region"),
        ("00010519491231002X", "id_region"),
        ("110105", "id_length"),
    ],
)
def test_bad_ids_are_refused_with_a_stable_code(raw, code):
    assert code_of(normalize_resident_id, raw) == code


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "18991231", "20990101"])
def test_impossible_birth_dates_in_ids_are_refused(birth):
    first17 = "110105" + birth + "002"
    number = first17 + resident_id_check_char(first17)
    assert code_of(normalize_resident_id, number) == "id_birth_date"


def test_birth_date_tomorrow_is_refused_and_today_accepted():
    today = timezone.localdate()
    assert normalize_resident_id(build_resident_id("370102", today, 1))
    tomorrow = today + datetime.timedelta(days=1)
    assert code_of(normalize_resident_id, build_resident_id("370102", tomorrow, 1)) == "id_birth_date"


def test_old_15_digit_with_bad_date_is_refused():
    assert code_of(normalize_resident_id, "110105491331002") == "id_birth_date"


def test_scientific_notation_message_says_digits_were_lost():
    with pytest.raises(ValidationError) as exc:
        normalize_resident_id("3.71302E+17")
    assert "lost" in str(exc.value.messages[0])


def test_sex_and_birth_date_derive_from_id():
    male = build_resident_id("371302", datetime.date(1990, 1, 2), 11)
    female = build_resident_id("371302", datetime.date(1990, 1, 2), 12)
    assert resident_id_sex(male) == SEX_MALE
    assert resident_id_sex(female) == SEX_FEMALE
    assert resident_id_birth_date(male) == datetime.date(1990, 1, 2)
    assert resident_id_sex(KNOWN_VALID_ID) == SEX_FEMALE  # 17th char "2"


def test_validate_resident_id_is_a_django_validator():
    validate_resident_id(KNOWN_VALID_ID)
    with pytest.raises(ValidationError):
        validate_resident_id("11010519491231002")


@pytest.mark.parametrize(
    "raw",
    ["13812345678", " 138 1234 5678 ", "138-1234-5678", "+86 138 1234 5678", "+8613812345678",
     "008613812345678", "８６１３８１２３４５６７８", "１３８１２３４５６７８", 13812345678, 13812345678.0,
     "(138)12345678", "\u200b13812345678"],
)
def test_phone_normalizes(raw):
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["", "23812345678", "1381234567", "138123456789", "0531-8888888", "1.38123E+10", "abc", 13812345678.5]
)
def test_bad_phones_are_refused(raw):
    with pytest.raises(ValidationError):
        validate_phone(raw)


def test_credit_code_check_char_follows_gb_32100():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    for valid in ["91350100M000100Y43", "91110000600037341L", "911100001000128855"]:
        assert normalize_credit_code(valid) == valid
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalize_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91350100M000100Y44", "credit_code_check_character"),
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100I000100Y43", "credit_code_characters"),
        ("91350100O000100Y43", "credit_code_characters"),
        ("9135010-M000100Y43", "credit_code_characters"),
    ],
)
def test_bad_credit_codes_are_refused(raw, code):
    assert code_of(normalize_credit_code, raw) == code
    with pytest.raises(ValidationError):
        validate_credit_code(raw)


@pytest.mark.parametrize(
    "raw",
    ["2023-01-15", "2023/1/15", "2023.1.15", "2023年1月15日", "2023年01月15日", " 2023-1-15 ",
     "２０２３－０１－１５", "2023-01-15 00:00:00", 44941, 44941.75, "44941", "44941.0",
     datetime.date(2023, 1, 15), datetime.datetime(2023, 1, 15, 8, 30)],
)
def test_parse_date_accepts_the_documented_formats(raw):
    assert parse_date(raw) == datetime.date(2023, 1, 15)


def test_excel_serials_around_the_phantom_leap_day():
    assert parse_date(1) == datetime.date(1900, 1, 1)
    assert parse_date(59) == datetime.date(1900, 2, 28)
    assert parse_date(61) == datetime.date(1900, 3, 1)
    with pytest.raises(ValidationError):
        parse_date(60)  # 1900-02-29 does not exist


@pytest.mark.parametrize(
    "raw", ["", "15/01/2023", "2023-13-01", "2023-02-30", "2023-01", "yesterday", "2023/01-15", 0, -5, "1e5",
            99999999]
)
def test_parse_date_refuses_anything_else(raw):
    with pytest.raises(ValidationError):
        parse_date(raw)


def test_validate_not_future():
    validate_not_future(timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        validate_not_future(timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.code == "date_future"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a  b\t c ", "a b c"),
        ("\u200b张三\ufeff", "张三"),
        ("ＡＢＣ１２３", "ABC123"),
        ("甲公司\u3000工会", "甲公司 工会"),
        ("（有限公司）", "(有限公司)"),
        (None, ""),
        (5.0, "5"),
        (12, "12"),
        ("①", "①"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("张三", "张三"),
        (" 李四 ", "李四"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("John Smith", "John Smith"),
        ("Jean-Pierre O'Neil", "Jean-Pierre O'Neil"),
        ("Zoë Müller", "Zoë Müller"),
        ("𠮷野", "𠮷野"),
        ("Ｊｏｈｎ", "John"),
    ],
)
def test_real_names_are_accepted(raw, stored):
    assert normalize_person_name(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("<script>alert(1)</script>", "name_markup"),
        ("张<b>三", "name_markup"),
        ("=HYPERLINK(\"x\")", "name_formula"),
        ("+张三", "name_formula"),
        ("-张三", "name_formula"),
        ("@SUM(A1)", "name_formula"),
        ("张三1", "name_digits"),
        ("张三" * 26, "name_too_long"),
        ("", "name_empty"),
        ("张三;DROP", "name_characters"),
        ("张三!", "name_characters"),
    ],
)
def test_names_that_are_not_names_are_refused(raw, code):
    assert code_of(normalize_person_name, raw) == code
    with pytest.raises(ValidationError):
        validate_person_name(raw)


def test_name_of_exactly_fifty_characters_is_accepted():
    assert normalize_person_name("张" * 50) == "张" * 50
