"""One way to write dates and times across the portal (2023-01-15, 2023-01-15 09:30), and date
boxes that show yyyy-mm-dd whatever the browser's locale."""

import datetime
import importlib

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django_filters import FilterSet

from apps.core.widgets import DateInput
from apps.members.filters import MemberFilter
from apps.members.forms import StatusForm
from tests.employers.factories import EmployerFactory

WHEN = datetime.datetime(2021, 3, 22, 1, 5, tzinfo=datetime.UTC)  # 09:05 in Asia/Shanghai


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_and_times_are_written_one_way_in_every_language(language):
    template = Template(
        '{{ day|date }}|{{ day }}|{{ when|date:"DATETIME_FORMAT" }}|{{ when }}|{{ when|time }}'
    )
    with translation.override(language):
        text = template.render(Context({"day": WHEN.date(), "when": WHEN}))
    assert text == "2021-03-22|2021-03-22|2021-03-22 09:05|2021-03-22 09:05|09:05"


def test_the_ledger_writes_dates_like_the_member_pages(client, chinese_default, tree, city_staff):
    employer = EmployerFactory(county=tree.county_a, union_established_on=datetime.date(2021, 3, 22))
    client.force_login(city_staff)
    html = client.get(reverse("employers:employer_detail", args=[employer.pk])).content.decode()
    assert "2021-03-22" in html and "2021年3月22日" not in html


def test_no_template_writes_its_own_date_format():
    """Templates use |date, |date:"DATETIME_FORMAT" and |time, never a format of their own."""
    import re
    from pathlib import Path

    from django.conf import settings

    own_format = re.compile(r'\|(date|time):"(?![A-Z_]+_FORMAT")')
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "apps"]
    offenders = [
        f"{path}: {match.group(0)}"
        for root in roots
        for path in root.rglob("*.html")
        for match in own_format.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_date_box_is_text_showing_yyyy_mm_dd():
    html = StatusForm(initial={"on": datetime.date(2023, 1, 5)})["on"].as_widget()
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2023-01-05"' in html and 'placeholder="yyyy-mm-dd"' in html


@pytest.mark.parametrize("typed", ["2023-01-15", "2023/1/15", "2023.1.15", "2023年1月15日", " 2023-1-15 "])
def test_a_date_box_takes_the_formats_clerks_write(typed):
    form = StatusForm({"status": StatusForm.base_fields["status"].choices[0][0], "on": typed, "reason": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2023, 1, 15)


@pytest.mark.parametrize("typed", ["2023", "45000", "15/01/2023", "2023-02-30"])
def test_a_date_box_refuses_what_is_not_a_date(typed):
    form = StatusForm({"status": StatusForm.base_fields["status"].choices[0][0], "on": typed, "reason": "x"})
    assert not form.is_valid() and "on" in form.errors


def test_a_date_filter_takes_chinese_dates_too(db, city_staff):
    member_filter = MemberFilter({"joined_from": "2020年3月1日"}, actor=city_staff)
    assert member_filter.form.is_valid(), member_filter.form.errors
    assert member_filter.form.cleaned_data["joined_from"] == datetime.date(2020, 3, 1)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_and_filter_date_field_uses_the_shared_date_box():
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            for module in ("forms", "filters", "ledger.forms", "ledger.filters"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError:
                    pass
    fields = []
    for form in _all_subclasses(forms.BaseForm):
        if form.__module__.startswith("apps."):
            fields += [(form, name, field) for name, field in getattr(form, "base_fields", {}).items()]
    for filterset in _all_subclasses(FilterSet):
        if filterset.__module__.startswith("apps."):
            fields += [(filterset, name, f.field) for name, f in filterset.base_filters.items()]
    dates = [(owner, name, field) for owner, name, field in fields
             if isinstance(field, forms.DateField) or isinstance(field.widget, forms.DateInput)]
    assert len(dates) >= 8  # members: joined on, the status date, 2 list filters; ledger: 4
    others = [(owner.__name__, name) for owner, name, f in dates if not isinstance(f.widget, DateInput)]
    assert others == []
