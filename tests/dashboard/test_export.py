"""Each dashboard panel's figures and tables as .xlsx (issue 19 item 7): the file's figures are
the page's figures and the plain SQL of their definitions, for the page's scope, county and
period; a sibling county is 404; headers in Chinese; text that a spreadsheet would run as a
formula is written as text."""

import io

import openpyxl
import pytest
from django.urls import reverse

from .conftest import BEFORE, NOW, PERIOD
from .test_dashboard import (
    MARCH,
    MARCH_BEFORE,
    MONTH,
    figures,
    sql_current_members,
    sql_given,
    sql_joined,
    sql_legal,
    sql_rate,
)


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def export(client, panel, params):
    return workbook(client.get(reverse("dashboard_export", args=[panel]), params))


def figure_sheet(book) -> dict[str, tuple]:
    """{label: (value, unit, last year, change, change %)} from the first sheet's figure rows."""
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "指标")
    assert rows[header][:6] == ("指标", "数值", "单位", "上年同期", "增减", "增减(%)")
    return {row[0]: tuple(row[1:6]) for row in rows[header + 1:] if row and row[0]}


def number(value):
    return None if value is None else float(value)


@pytest.mark.parametrize("who", ["city_staff", "county_staff", "branch_officer"])
@pytest.mark.parametrize(("params", "now", "before"), [(PERIOD, NOW, BEFORE), (MONTH, MARCH, MARCH_BEFORE)])
@pytest.mark.parametrize("panel", ["members", "establishment", "assistance", "legal"])
def test_exported_figures_equal_the_page_and_plain_sql(request, client, chinese_default, figures_world, who, params,
                                                       now, before, panel):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = {str(f.label): f for f in figures(client.get(reverse("dashboard"), params)).values()
            if f.key.split("-")[0] in {"members": ["members"], "establishment": ["rate", "unions"],
                                       "assistance": ["given"], "legal": ["legal"]}[panel]}
    exported = figure_sheet(export(client, panel, params))
    assert set(exported) == set(page)
    for label, f in page.items():
        assert exported[label][0] == number(f.value), label
        assert exported[label][2] == number(f.previous), label
        assert exported[label][3] == number(f.change), label
    by_key = {f.key: exported[str(f.label)] for f in page.values()}
    path = user.organization.path
    if panel == "members":
        assert by_key["members-current"][0] == sql_current_members(path)
        assert by_key["members-joined"][0:3:2] == (sql_joined(path, now), sql_joined(path, before))
    elif panel == "establishment":
        assert by_key["rate-25"][0] == float(sql_rate(path, 25))
        assert by_key["rate-50"][0] == float(sql_rate(path, 50))
    elif panel == "assistance":
        assert by_key["given-amount"][0:3:2] == (float(sql_given(path, now)), float(sql_given(path, before)))
        assert by_key["given-amount"][1] == "元"
    else:
        assert by_key["legal-cases"][0:3:2] == (sql_legal(path, now), sql_legal(path, before))


def test_each_chart_and_table_is_a_sheet_with_the_pages_cells(client, chinese_default, figures_world, city_staff):
    client.force_login(city_staff)
    response = client.get(reverse("dashboard"), PERIOD)
    built = {b.panel.key: b for b in response.context["panels"]}
    for key in ("members", "establishment", "hardship", "assistance"):
        book = export(client, key, PERIOD)
        tables = [*built[key].data.charts, *built[key].data.tables]
        assert len(book.worksheets) == 1 + len(tables)
        for sheet, table in zip(book.worksheets[1:], tables, strict=True):
            rows = list(sheet.iter_rows(values_only=True))
            assert rows[0][0] == "项目"
            assert [row[0] for row in rows[1:]] == [str(label) for label, _cells in table.rows]
            assert [[number(v) for v in row[1:]] for row in rows[1:]] == [
                [number(value) for value, _url in cells] for _label, cells in table.rows]


def test_the_export_is_in_chinese_whatever_the_screens_language(client, figures_world, city_staff):
    client.force_login(city_staff)  # tests run in English
    book = export(client, "members", PERIOD)
    assert book.worksheets[0].title == "会员"
    assert book.worksheets[0]["A1"].value.startswith("会员 · ")
    assert [s.title for s in book.worksheets[1:]] == ["会员职工类别构成", "每月新增会员", "各县(市、区)会员人数"]
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0] == ("项目", "在册会员")


def test_a_name_a_spreadsheet_would_run_is_written_as_text(client, figures_world, city_staff):
    figures_world.county_b.name = "=HYPERLINK(\"http://x\",\"y\")"
    figures_world.county_b.save()
    client.force_login(city_staff)
    sheet = export(client, "members", PERIOD)["各县(市、区)会员人数"]
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in labels
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_export_is_scoped_like_the_page(client, figures_world, city_staff, county_staff):
    client.force_login(county_staff)
    url = reverse("dashboard_export", args=["members"])
    assert client.get(url, {**PERIOD, "county": figures_world.county_b.code}).status_code == 404
    assert client.get(url, {**PERIOD, "county": figures_world.county_a.code}).status_code == 200
    assert client.get(reverse("dashboard_export", args=["nonsense"]), PERIOD).status_code == 404
    client.force_login(city_staff)
    chosen = figure_sheet(export(client, "members", {**PERIOD, "county": figures_world.county_b.code}))
    assert chosen["在册会员"][0] == sql_current_members(figures_world.county_b.path) == 3


def test_every_panel_links_to_its_export_with_the_pages_query(client, figures_world, city_staff):
    client.force_login(city_staff)
    response = client.get(reverse("dashboard"), PERIOD)
    html = response.content.decode()
    for built in response.context["panels"]:
        url = reverse("dashboard_export", args=[built.panel.key])
        assert f'id="export-{built.panel.key}" ' in html
        assert f'href="{url}?period=range&amp;from=2025-01-01&amp;to=2025-12-31"' in html
        assert client.get(url, PERIOD).status_code == 200
