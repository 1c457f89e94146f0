"""The roster files the import benchmarks read: what a branch officer would upload.

People come from the demo's PersonFactory with ID sequences 900–999, a range the demo
never uses, so every row is a new member (the heaviest case: every row is written) and
no row collides with a seeded one. Values are written the way the template asks for
them: Chinese headers and Chinese words for the choice columns, ID numbers as text.
"""

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from apps.members.cleaning import choice_word
from apps.members.models import Education, PoliticalStatus, Sex, WorkerCategory
from demo.members import PersonFactory, membership_attributes

HEADERS = ("姓名", "公民身份号码", "性别", "手机号码", "民族", "政治面貌", "学历", "工作单位", "入会日期",
           "职工类别", "会员证号")


@dataclass
class Roster:
    path: Path
    rows: int
    records: list[dict]  # the stored values of each row, for the COPY floor and other comparisons


def roster_records(count: int, *, seed: int, region: str = "371302", employer: str = "临沂市示范物流有限公司"):
    rng = random.Random(seed)
    people = PersonFactory(rng, sequence_floor=900, sequence_ceiling=1000)
    records = []
    for index in range(count):
        name, id_number, sex, born, phone = people.person(region)
        attributes = membership_attributes(rng, born, new_sector=False)
        records.append({
            "name": name, "id_number": id_number, "sex": sex, "birth_date": born, "phone": phone,
            "ethnicity": attributes["ethnicity"], "political_status": attributes["political_status"],
            "education": attributes["education"], "employer_name": employer,
            "joined_on": attributes["joined_on"], "worker_category": attributes["worker_category"],
            "card_number": f"BM{seed % 100:02d}{index:07d}",
        })
    return records


def file_cells(record: dict) -> list[str]:
    return [
        record["name"], record["id_number"], choice_word(Sex, record["sex"]), record["phone"],
        record["ethnicity"], choice_word(PoliticalStatus, record["political_status"]),
        choice_word(Education, record["education"]), record["employer_name"],
        record["joined_on"].isoformat() if isinstance(record["joined_on"], datetime.date) else "",
        choice_word(WorkerCategory, record["worker_category"]), record["card_number"],
    ]


def write_xlsx(path: Path, records: list[dict]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, HEADERS)
    for row_index, record in enumerate(records, start=1):
        for column, value in enumerate(file_cells(record)):
            sheet.write_string(row_index, column, value, text)
    workbook.close()


def write_csv(path: Path, records: list[dict]) -> None:
    # UTF-8 with BOM: what Excel writes as "CSV UTF-8".
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(file_cells(record) for record in records)


def make_roster(directory: Path, *, rows: int, fmt: str, seed: int) -> Roster:
    records = roster_records(rows, seed=seed)
    path = directory / f"roster-{rows}.{fmt}"
    (write_xlsx if fmt == "xlsx" else write_csv)(path, records)
    return Roster(path=path, rows=rows, records=records)
