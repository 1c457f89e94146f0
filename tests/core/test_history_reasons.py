"""History pages show why a row changed in words, never an internal key (issue 14 part 4 item 4)."""

import pytest
from django.urls import reverse

from apps.core.history import DEMO_DATA_REASON, change_reason_display
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _as_demo_data(instance):
    instance.history.update(history_change_reason=DEMO_DATA_REASON)


def test_internal_reasons_are_shown_in_words_and_others_as_written():
    assert str(change_reason_display("seed_demo")) == "demo data"
    assert change_reason_display("roster upload 名册.xlsx") == "roster upload 名册.xlsx"
    assert change_reason_display(None) == "" and change_reason_display("") == ""


def test_organization_history_says_demo_data(client, tree, county_staff):
    _as_demo_data(tree.union_a1a)
    client.force_login(county_staff)
    html = client.get(reverse("organizations:detail", args=[tree.union_a1a.code])).content.decode()
    history = html.split('id="organization-history"')[1].split("</table>")[0]
    assert "(demo data)" in history and "seed_demo" not in html


def test_member_history_says_demo_data(client, tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    member.save()  # the factory's create wrote the first history row; this adds one
    _as_demo_data(member)
    client.force_login(branch_officer)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "(demo data)" in html.split('id="member-history"')[1] and "seed_demo" not in html


def test_employer_history_says_demo_data(client, tree, county_staff):
    employer = EmployerFactory(county=tree.county_a)
    _as_demo_data(employer)
    client.force_login(county_staff)
    html = client.get(reverse("employers:employer_detail", args=[employer.pk])).content.decode()
    assert "<td>demo data</td>" in html and "seed_demo" not in html


def test_demo_data_reads_in_chinese(client, tree, county_staff, chinese_default):
    _as_demo_data(tree.union_a1a)
    client.force_login(county_staff)
    html = client.get(reverse("organizations:detail", args=[tree.union_a1a.code])).content.decode()
    assert "(演示数据)" in html
