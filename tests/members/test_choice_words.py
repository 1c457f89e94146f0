"""Rosters in the words clerks write (issue 14 part 3): every choice column accepts the
national standard names, the short forms and the union's statistical groups, from one
table (apps.members.choice_words) used by the upload, the forms and the template."""

import importlib
import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count, Q
from django.utils import translation

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.members.choice_words import COLUMN_CHOICES, COLUMN_WORDS, ETHNIC_GROUPS, word_key, written_words
from apps.members.cleaning import parse_word
from apps.members.forms import MemberForm
from apps.members.models import EDUCATION_GROUPS, Education, Member
from apps.members.roster.columns import ROSTER_COLUMNS
from apps.members.roster.template_file import write_roster_template
from tests.members.factories import MemberFactory
from tests.members.roster_files import csv_bytes, person_id, roster_row, upload, xlsx_bytes

HEADER = {column.field: column.header for column in ROSTER_COLUMNS}

# The national standards' names (and the GLOSSARY's words), written out here so that a
# word dropped from the table fails a test.
_DEMOCRATIC_PARTIES = ["中国国民党革命委员会会员", "中国民主同盟盟员", "中国民主建国会会员", "中国民主促进会会员",
                       "中国农工民主党党员", "中国致公党党员", "九三学社社员", "台湾民主自治同盟盟员",
                       "民革会员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "台盟盟员"]
STANDARD = {
    "sex": [("男", "M"), ("女", "F"), ("男性", "M"), ("女性", "F"), ("1", "M"), ("2", "F")],  # GB/T 2261.1
    "ethnicity": [("汉族", "汉族"), ("汉", "汉族"), ("回族", "回族"), ("满", "满族"), ("蒙古族", "蒙古族"),
                  ("朝鲜族", "朝鲜族"), ("维吾尔", "维吾尔族"), ("基诺族", "基诺族")],  # GB 3304
    "political_status": [  # GB/T 4762: names, short names, what clerks write
        ("中国共产党党员", "cpc_member"), ("中共党员", "cpc_member"), ("党员", "cpc_member"),
        ("中国共产党预备党员", "cpc_probationary"), ("中共预备党员", "cpc_probationary"),
        ("中国共产主义青年团团员", "cyl_member"), ("共青团员", "cyl_member"), ("团员", "cyl_member"),
        *[(name, "democratic_party") for name in _DEMOCRATIC_PARTIES],
        ("无党派民主人士", "non_party"), ("无党派人士", "non_party"), ("群众", "masses"),
    ],
    "education": [  # GB/T 4658-2006 names and the short forms
        ("博士研究生毕业", "doctorate"), ("博士", "doctorate"), ("硕士研究生毕业", "master"), ("硕士", "master"),
        ("研究生", "postgraduate"), ("研究生班毕业", "postgraduate"),
        ("大学本科", "bachelor"), ("大学本科毕业", "bachelor"), ("本科", "bachelor"),
        ("大学专科", "junior_college"), ("大学专科毕业", "junior_college"), ("大专", "junior_college"),
        ("中等专科", "senior_high"), ("中等专科毕业", "senior_high"), ("中专", "senior_high"),
        ("职业高中毕业", "senior_high"), ("技工学校毕业", "senior_high"), ("普通高中毕业", "senior_high"),
        ("高中", "senior_high"), ("初中毕业", "junior_high"), ("初中", "junior_high"),
        ("初中及以下", "junior_high_or_below"), ("小学毕业", "primary"), ("小学", "primary"),
        ("文盲或半文盲", "primary"),
    ],
    "worker_category": [("在职职工", "regular"), ("农民工", "migrant"), ("新就业形态劳动者", "new_employment"),
                        ("劳务派遣工", "dispatched")],  # GLOSSARY.md
}
# What typing and other programs do to the words.
TYPED = {
    "sex": [("Ｍ", "M"), ("f", "F"), ("１", "M"), (" 女 ", "F")],
    "ethnicity": [(" 汉 族 ", "汉族"), ("\u3000回族\u3000", "回族"), ("蒙 古", "蒙古族")],
    "political_status": [("中共　党员", "cpc_member"), ("CPC_MEMBER", "cpc_member"), (" 民盟 盟员", "democratic_party")],
    "education": [("大学 本科", "bachelor"), ("Bachelor", "bachelor"), ("初中 及以下", "junior_high_or_below")],
    "worker_category": [("\u3000农民工\u3000", "migrant"), ("Dispatched", "dispatched")],
}


def every_form(field: str) -> list[tuple[str, str]]:
    """(cell, stored value) for every word of the column's table, the standard's names and
    the typed variants."""
    table = [(word, value) for value, words in COLUMN_WORDS[field].items() for word in words]
    return table + STANDARD[field] + TYPED[field]


def validate(org, user, content: bytes, name: str) -> ImportJob:
    job = create_import_job(kind="roster", organization=org, uploaded_by=user,
                            uploaded_file=upload(content, name), enqueue=False)
    return run_validation(job_id=job.pk)


def row_errors(job) -> list[tuple[int, str, str]]:
    rows = job.rows.filter(outcome=ImportRow.Outcome.ERROR).order_by("row_number")
    return [(r.row_number, column, message) for r in rows for column, message in r.messages]


def roster_for(field: str) -> tuple[list[dict], dict[str, str]]:
    """One roster row per form of the column (sex agreeing with the ID), and ID → expected value."""
    rows, expected = [], {}
    for n, (cell, value) in enumerate(every_form(field)):
        id_number = person_id(n, sex=value) if field == "sex" else person_id(n)
        rows.append(roster_row(n, **{HEADER[field]: cell, "公民身份号码": id_number}))
        expected[id_number] = value
    return rows, expected


# --- the table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", list(COLUMN_WORDS))
def test_every_word_of_a_column_means_one_value_and_is_listed_once(field):
    meaning, listed = {}, []
    for value, words in COLUMN_WORDS[field].items():
        listed += words
        for word in words:
            assert meaning.setdefault(word_key(word), value) == value, word
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize(("field", "choices"), [(f, c) for f, c in COLUMN_CHOICES.items() if c])
def test_every_stored_choice_has_words(field, choices):
    assert list(COLUMN_WORDS[field]) == list(choices.values)


def test_ethnicity_has_the_56_names_of_gb_3304_with_and_without_zu():
    assert len(ETHNIC_GROUPS) == len(set(ETHNIC_GROUPS)) == 56
    for name in ETHNIC_GROUPS:
        assert parse_word("ethnicity", name) == parse_word("ethnicity", name.removesuffix("族")) == name


@pytest.mark.parametrize("field", list(COLUMN_WORDS))
def test_the_written_word_of_every_value_reads_back_to_it(field):
    # What the export and the template write re-imports unchanged.
    for value, word in zip(COLUMN_WORDS[field], written_words(field), strict=True):
        assert parse_word(field, word) == value


@pytest.mark.parametrize(("field", "choices"), [(f, c) for f, c in COLUMN_CHOICES.items() if c])
def test_the_forms_show_the_words_the_template_and_the_export_write(field, choices):
    with translation.override("zh-hans"):
        assert [str(label) for label in choices.labels] == written_words(field)


def test_every_education_value_falls_in_exactly_one_statistical_group():
    grouped = [value for values in EDUCATION_GROUPS.values() for value in values]
    assert sorted(grouped) == sorted(Education.values)
    with translation.override("zh-hans"):  # each group is named by its value's label
        assert [str(Education(group).label) for group in EDUCATION_GROUPS] == [
            "研究生", "大学本科", "大学专科", "高中/中专", "初中及以下"]


@pytest.mark.parametrize(("word", "value"), [("研究生", "postgraduate"), ("初中及以下", "junior_high_or_below")])
def test_a_word_that_does_not_say_the_level_is_not_guessed(word, value):
    assert parse_word("education", word) == value


# --- rosters that use each form -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("field", list(COLUMN_WORDS))
def test_a_roster_using_every_accepted_form_of_a_column_is_stored_in_the_tables_values(
    tree, branch_officer, settings, tmp_path, field, fmt
):
    settings.MEDIA_ROOT = tmp_path
    rows, expected = roster_for(field)
    content = xlsx_bytes(rows) if fmt == "xlsx" else csv_bytes(rows, encoding="gbk")
    job = validate(tree.union_a1a, branch_officer, content, f"roster.{fmt}")
    assert job.status == ImportJob.Status.VALIDATED and not row_errors(job), row_errors(job)
    commit_import(job=job, actor=branch_officer)
    assert dict(Member.objects.values_list("id_number", field)) == expected


def test_a_roster_in_the_standard_names_is_counted_in_the_unions_statistical_groups(
    tree, branch_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    words = ["大学专科", "大学本科", "中等专科", "初中及以下", "研究生", "硕士研究生", "小学", "普通高中毕业"]
    rows = [roster_row(n, 学历=word) for n, word in enumerate(words)]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows), "roster.xlsx")
    assert job.status == ImportJob.Status.VALIDATED and not row_errors(job), row_errors(job)
    commit_import(job=job, actor=branch_officer)
    counts = Member.objects.aggregate(**{
        group: Count("id", filter=Q(education__in=values)) for group, values in EDUCATION_GROUPS.items()
    })
    assert counts == {"postgraduate": 2, "bachelor": 1, "junior_college": 1, "senior_high": 2,
                      "junior_high_or_below": 2}


@pytest.mark.parametrize(
    ("field", "word", "named"),
    [
        ("education", "本科及以上", "大学本科"),
        ("political_status", "党外人士", "中共党员"),
        ("worker_category", "临时工", "劳务派遣工"),
        ("sex", "未知", "男、女"),
    ],
)
def test_a_still_unknown_word_is_a_row_error_naming_the_accepted_words(
    tree, branch_officer, settings, tmp_path, field, word, named
):
    settings.MEDIA_ROOT = tmp_path
    rows = [roster_row(0), roster_row(1, **{HEADER[field]: word})]
    job = validate(tree.union_a1a, branch_officer, csv_bytes(rows), "roster.csv")
    assert job.status == ImportJob.Status.REFUSED  # an error row holds back the whole file
    [(row, column, message)] = row_errors(job)
    assert (row, column) == (3, HEADER[field])
    assert word in message and named in message
    allowed = message.split(": ")[-1].rstrip(".").split("、")
    assert allowed == written_words(field)  # the written words, not every spelling


def test_a_clerk_reads_the_unknown_word_error_in_chinese(tree, branch_officer, settings, tmp_path, chinese_default):
    settings.MEDIA_ROOT = tmp_path
    job = validate(tree.union_a1a, branch_officer, csv_bytes([roster_row(0, 学历="本科及以上")]), "roster.csv")
    assert row_errors(job) == [(2, "学历", "本科及以上 不是允许的取值，可选：小学及以下、初中、初中及以下、高中/中专、"
                                           "大学专科、大学本科、研究生、硕士研究生、博士研究生。")]


def test_an_unknown_ethnicity_names_an_example_not_all_58(tree, branch_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes([roster_row(0, 民族="汉人")]), "roster.xlsx")
    [(row, column, message)] = row_errors(job)
    assert (row, column) == (2, "民族")
    assert "汉人" in message and "GB 3304" in message and "汉族" in message
    assert sum(name in message for name in ETHNIC_GROUPS) == 3  # 汉族, 回族 or 满族: not all 56


# --- the forms and the template -------------------------------------------------------------------


def test_the_member_form_stores_an_ethnicity_as_its_gb_3304_name(tree, branch_officer):
    data = {"name": "王芳", "id_number": person_id(1), "ethnicity": "汉 族", "worker_category": "regular"}
    form = MemberForm(data, actor=branch_officer, with_organization=False)
    assert form.is_valid(), form.errors
    assert form.member_data["ethnicity"] == "汉族"
    form = MemberForm({**data, "ethnicity": "汉人"}, actor=branch_officer, with_organization=False)
    assert not form.is_valid() and "GB 3304" in form.errors["ethnicity"][0]


def template_book():
    buffer = io.BytesIO()
    write_roster_template(buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_the_explanation_sheet_lists_every_accepted_word_of_every_choice_column():
    notes = list(template_book()["填写说明"].iter_rows(values_only=True))
    for field, table in COLUMN_WORDS.items():
        listed = [row for row in notes if row[0] == HEADER[field] and row[1] in table_words(table)]
        assert [row[1] for row in listed] == written_words(field)
        for row, (value, words) in zip(listed, table.items(), strict=True):
            assert (row[1], *(row[3].split("、") if row[3] else [])) == words
            assert row[2] == (value if COLUMN_CHOICES[field] else None)


def table_words(table) -> set[str]:
    return {words[0] for words in table.values()}


def test_the_template_drop_down_lists_offer_the_written_words_of_the_explanation_sheet():
    book = template_book()
    notes = book["填写说明"]
    headers = [cell.value for cell in book["会员名册"][1]]
    offered = {}
    for validation in book["会员名册"].data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        first, last = map(int, re.fullmatch(r"'填写说明'!\$B\$(\d+):\$B\$(\d+)", validation.formula1).groups())
        offered[headers[ord(column) - ord("A")]] = [notes.cell(r, 2).value for r in range(first, last + 1)]
    assert offered == {HEADER[field]: written_words(field) for field in COLUMN_WORDS}


# --- stored values ----------------------------------------------------------------------------------


def test_the_migration_stores_every_spelling_of_an_ethnicity_as_its_name_in_one_statement(
    tree, django_assert_num_queries
):
    spellings = {"汉": "汉族", "汉 族": "汉族", "蒙族": "蒙古族", "毛难族": "毛南族", "回族": "回族",
                 "穿青人": "穿青人", "": ""}
    members = {spelling: MemberFactory(organization=tree.union_a1a, ethnicity=spelling) for spelling in spellings}
    migration = importlib.import_module("apps.members.migrations.0011_ethnicity_gb3304_names")
    with django_assert_num_queries(1):
        migration.store_gb3304_names(django_apps, SimpleNamespace(connection=connection))
    for spelling, member in members.items():
        member.refresh_from_db()
        assert member.ethnicity == spellings[spelling], spelling


def test_an_export_of_the_new_values_reimports_unchanged(tree, branch_officer, login, settings, tmp_path):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    for name, education, political, ethnicity in [("王芳", "postgraduate", "democratic_party", "蒙古族"),
                                                  ("李娜", "junior_high_or_below", "non_party", "外国血统中国籍人士")]:
        MemberFactory(organization=tree.union_a1a, name=name, education=education, political_status=political,
                      ethnicity=ethnicity)
    content = b"".join(login(branch_officer).get(reverse("members:export"), {"unmasked": "1"}).streaming_content)
    job = validate(tree.union_a1a, branch_officer, content, "export.xlsx")
    assert list(job.rows.values_list("outcome", flat=True)) == [ImportRow.Outcome.UNCHANGED] * 2
