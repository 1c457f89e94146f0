"""Assistance pages: render per role, masked by default, scoped, bounded queries at two sizes."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from apps.accounts.models import SensitiveAccess
from apps.assistance import services_aid
from apps.assistance.choices import FileStatus
from apps.assistance.models import HardshipFile
from tests.assistance.factories import advance, household_data, make_file

pytestmark = pytest.mark.django_db


def _rows(response):
    return [row.record for row in response.context["table"].page.object_list]


def test_every_page_of_a_file_renders_for_each_level_without_the_full_id(
    file_at, login, branch_officer, county_staff, city_staff, leader
):
    file = file_at(FileStatus.ACTIVE)
    services_aid.record_visit(actor=county_staff, file=file,
                              data={"visited_on": datetime.date(2026, 1, 5), "visitors": "甲", "findings": "乙"},
                              problems=[{"description": "丙", "due_on": datetime.date(2026, 2, 1)}])
    for user in (branch_officer, county_staff, city_staff, leader):
        client = login(user)
        for url in (reverse("assistance:file_list"), reverse("assistance:file_detail", args=[file.pk]),
                    reverse("assistance:totals"), reverse("assistance:legal_list"),
                    reverse("assistance:campaign_list")):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            body = response.content.decode()
            assert file.head_id_number not in body and file.bank_account not in body, url


def test_the_detail_offers_each_level_only_its_own_step(file_at, login, branch_officer, county_staff, city_staff):
    file = file_at(FileStatus.SUBMITTED)
    url = reverse("assistance:file_detail", args=[file.pk])
    assert "step-review" not in login(branch_officer).get(url).content.decode()
    assert "step-review" in login(county_staff).get(url).content.decode()
    assert "step-approve" not in login(city_staff).get(url).content.decode()


def test_the_workflow_through_the_pages(tree, login, branch_officer, county_staff, city_staff):
    client = login(branch_officer)
    data, _household = household_data(size=1, income="500.00")
    post = {**{k: v for k, v in data.items() if k != "causes"}, "organization": "CA1a", "causes": ["illness"],
            "household-TOTAL_FORMS": "0", "household-INITIAL_FORMS": "0"}
    response = client.post(reverse("assistance:file_create"), post)
    assert response.status_code == 302, response.context["form"].errors
    file = HardshipFile.objects.get()
    client.post(reverse("assistance:file_submit", args=[file.pk]), {"version": file.version})
    file.refresh_from_db()
    assert file.status == FileStatus.SUBMITTED
    # an old page's version is refused with the message, nothing written
    stale = login(county_staff).post(reverse("assistance:file_review", args=[file.pk]), {"version": 1}, follow=True)
    assert "just changed" in stale.content.decode()
    login(county_staff).post(reverse("assistance:file_review", args=[file.pk]), {"version": file.version})
    file.refresh_from_db()
    login(city_staff).post(reverse("assistance:file_approve", args=[file.pk]), {"version": file.version})
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE


def test_a_file_outside_scope_answers_404_on_every_page(file_at, login, sibling_officer):
    file = file_at(FileStatus.DRAFT)
    client = login(sibling_officer)
    for name in ("file_detail", "file_edit", "record_create", "visit_create", "file_reverify"):
        assert client.get(reverse(f"assistance:{name}", args=[file.pk])).status_code == 404, name
    assert file not in _rows(client.get(reverse("assistance:file_list")))


def test_reveal_shows_the_bank_account_and_writes_the_access_log(file_at, login, branch_officer, leader):
    file = file_at(FileStatus.DRAFT)
    url = reverse("assistance:file_reveal", args=[file.pk])
    assert login(leader).post(url, {"field": "bank_account"}).status_code == 403
    response = login(branch_officer).post(url, {"field": "bank_account"})
    assert file.bank_account in response.content.decode()
    log = SensitiveAccess.objects.get()
    assert (log.actor, log.detail, log.subject_id) == (branch_officer, "bank_account", file.pk)
    assert file.bank_account not in log.subject_label + log.detail


def test_queues_hold_what_their_names_say(file_at, login, county_staff, city_staff, branch_officer):
    submitted = file_at(FileStatus.SUBMITTED)
    reviewed = file_at(FileStatus.REVIEWED)
    active = file_at(FileStatus.ACTIVE)
    assisted = file_at(FileStatus.ACTIVE)
    services_aid.record_assistance(actor=county_staff, file=assisted, data={
        "kind": "living", "amount": "100", "given_on": datetime.date(2026, 1, 1), "fund_source": "own_funds",
        "delivered_by": "x"})

    def queue(user, name):
        return set(_rows(login(user).get(reverse("assistance:file_list"), {"queue": name})))

    counts = login(county_staff).get(reverse("assistance:queue_counts")).context["queues"]
    assert {code: n for code, _label, n in counts} == {"my_step": 1, "reverification_due": 0,
                                                       "never_assisted": 1, "stale": 0}
    assert queue(county_staff, "my_step") == {submitted}
    assert queue(city_staff, "my_step") == {reviewed}
    assert queue(branch_officer, "my_step") == set()
    assert queue(county_staff, "never_assisted") == {active}
    HardshipFile.objects.filter(pk=active.pk).update(valid_until=datetime.date.today())
    assert queue(branch_officer, "reverification_due") == {active}
    HardshipFile.objects.filter(pk=submitted.pk).update(updated_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    assert queue(county_staff, "stale") == {submitted}


def test_search_by_name_or_last_digits_and_never_the_full_number(file_at, login, branch_officer):
    file = file_at(FileStatus.DRAFT)
    client = login(branch_officer)
    assert _rows(client.get(reverse("assistance:file_list"), {"q": file.head_id_number[-6:]})) == [file]
    assert _rows(client.get(reverse("assistance:file_list"), {"q": "困难"})) == [file]
    response = client.get(reverse("assistance:file_list"), {"q": file.head_id_number})
    assert response.context["filter"].form.errors["q"]


def test_the_export_is_masked_formula_safe_and_unmasked_only_with_the_right_and_logged(
    file_at, login, branch_officer, leader
):
    file = file_at(FileStatus.DRAFT)
    HardshipFile.objects.filter(pk=file.pk).update(address="=HYPERLINK(\"http://x\")")
    url = reverse("assistance:file_export")

    def cells(response):
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return [c for row in book.active.iter_rows(values_only=True) for c in row]

    masked = cells(login(leader).get(url))
    assert file.head_id_number not in masked and "'=HYPERLINK(\"http://x\")" in masked
    assert login(leader).get(url, {"unmasked": "1"}).status_code == 403
    unmasked = cells(login(branch_officer).get(url, {"unmasked": "1"}))
    assert file.head_id_number in unmasked
    assert SensitiveAccess.objects.filter(actor=branch_officer, action="export_unmasked").count() == 1


def test_the_assistance_export_covers_the_period(file_at, login, county_staff):
    file = file_at(FileStatus.ACTIVE)
    for day in (datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)):
        services_aid.record_assistance(actor=county_staff, file=file, data={
            "kind": "winter_warmth", "amount": "100", "given_on": day, "fund_source": "own_funds",
            "delivered_by": "x"})
    response = login(county_staff).get(reverse("assistance:records_export"), {"from": "2026-01-01", "to": "2026-12-31"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 2  # the header and the one record of 2026


@pytest.mark.parametrize("size", [2, 12])
def test_list_queue_and_detail_take_bounded_queries(
    tree, login, branch_officer, county_staff, city_staff, django_assert_max_num_queries, size
):
    files = [advance(make_file(branch_officer, tree.union_a1a), FileStatus.ACTIVE, officer=branch_officer,
                     county=county_staff, city=city_staff) for _ in range(size)]
    for file in files[:3]:
        services_aid.record_assistance(actor=county_staff, file=file, data={
            "kind": "living", "amount": "100", "given_on": datetime.date(2026, 1, 1), "fund_source": "own_funds",
            "delivered_by": "x"})
        services_aid.record_visit(actor=county_staff, file=file,
                                  data={"visited_on": datetime.date(2026, 1, 5), "visitors": "甲", "findings": "乙"},
                                  problems=[{"description": "丙", "due_on": datetime.date(2026, 2, 1)}])
    client = login(county_staff)
    with django_assert_max_num_queries(16):
        client.get(reverse("assistance:file_list"))
    with django_assert_max_num_queries(16):
        client.get(reverse("assistance:file_list"), {"queue": "never_assisted"})
    with django_assert_max_num_queries(24):
        client.get(reverse("assistance:file_detail", args=[files[0].pk]))
    with django_assert_max_num_queries(16):
        client.get(reverse("assistance:totals"))
    with django_assert_max_num_queries(8):
        client.get(reverse("assistance:queue_counts"))


@pytest.mark.parametrize("size", [2, 12])
def test_campaign_and_legal_aid_pages_take_bounded_queries(
    tree, login, branch_officer, county_staff, city_staff, django_assert_max_num_queries, size
):
    files = [advance(make_file(branch_officer, tree.union_a1a), FileStatus.ACTIVE, officer=branch_officer,
                     county=county_staff, city=city_staff) for _ in range(size)]
    campaign = services_aid.create_campaign(
        actor=county_staff, organizer=tree.county_a,
        data={"season": "winter", "year": 2026, "name": "冬送温暖", "budget": "90000"},
        allocations={tree.county_a: "90000"})
    services_aid.select_campaign_files(actor=county_staff, campaign=campaign, files=files[: size // 2])
    for n in range(size):
        services_aid.create_legal_case(actor=branch_officer, organization=tree.union_a1a, data={
            "worker_name": "维权职工", "dispute_kind": "wages", "handler": "律师", "stage": "accepted",
            "opened_on": datetime.date(2026, 1, 1 + n)})
    client = login(county_staff)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("assistance:campaign_detail", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assistance:legal_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assistance:campaign_list")).status_code == 200
