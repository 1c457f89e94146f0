import re

import pytest
from django.urls import reverse

from apps.imports.services import create_import_job
from apps.members.models import Transfer
from tests.members.factories import MemberFactory, TransferFactory
from tests.members.roster_files import roster_rows, upload, xlsx_bytes
from tests.organizations.factories import bulk_children


def test_home_shows_organization_role_and_scope_by_kind(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.context["scope_size"] == 4
    assert {kind: n for kind, _label, n in response.context["scope_by_kind"]} == {
        "county_federation": 1, "township_federation": 1, "grassroots": 2}
    assert tree.county_a.name in html.split('id="home-organization"')[1].split("</dd>")[0]
    assert reverse("organizations:list") in html and reverse("organizations:tree") in html


def test_home_counts_only_the_branch_officers_union(client, tree, branch_officer):
    client.force_login(branch_officer)
    response = client.get(reverse("home"))
    assert response.context["scope_size"] == 1
    assert reverse("organizations:create") not in response.content.decode()


def test_home_needs_login(client, tree):
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("size", [10, 500])
def test_home_queries_do_not_grow(client, tree, city_staff, django_assert_max_num_queries, size):
    bulk_children(tree.township_a1, size)
    client.force_login(city_staff)
    # session, user, scope root, counts by kind, transfers in and out, recent uploads, competitions
    # running; session save (3); the events card: events planned and over, hazards overdue (2)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert response.context["scope_size"] == 7 + size


# --- the work cards (issue 14 part 4 item 3) ----------------------------------------------


def card(html: str, key: str) -> str:
    """The HTML of one card of the start page."""
    return html.split(f'id="home-{key}"')[1].split("</section>")[0]


@pytest.fixture
def pending(tree, branch_officer):
    """Two transfers waiting: into union A1a (its side decides) and out of it."""
    incoming = MemberFactory(organization=tree.union_b1)
    outgoing = MemberFactory(organization=tree.union_a1a)
    TransferFactory(member=incoming, to_organization=tree.union_a1a, requested_by=branch_officer)
    TransferFactory(member=outgoing, to_organization=tree.union_b1, requested_by=branch_officer)
    decided = MemberFactory(organization=tree.union_b1)
    TransferFactory(member=decided, to_organization=tree.union_a1a, requested_by=branch_officer,
                    status=Transfer.Status.CONFIRMED)


@pytest.fixture
def uploads(tree, branch_officer, sibling_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for org, user, name in ((tree.union_a1a, branch_officer, "甲名册.xlsx"), (tree.union_a1b, sibling_officer, "乙名册.xlsx")):
        create_import_job(kind="roster", organization=org, uploaded_by=user,
                          uploaded_file=upload(xlsx_bytes(roster_rows(1)), name), enqueue=False)


def test_branch_officer_finds_the_roll_the_roster_upload_and_what_waits(client, tree, branch_officer, pending, uploads):
    client.force_login(branch_officer)
    html = client.get(reverse("home")).content.decode()
    members = card(html, "members")
    for name in ("members:list", "members:create", "members:roster_upload", "members:roster_template"):
        assert reverse(name) in members
    transfers = card(html, "transfers")
    assert f'{reverse("members:transfers")}?direction=incoming' in transfers
    assert re.search(r"waiting for your side&#x27;s decision</a>\s*<span[^>]*text-bg-danger[^>]*>1<", transfers)
    assert re.search(r"asked by your side, waiting</a>\s*<span[^>]*>1<", transfers)
    recent = card(html, "uploads")
    assert "甲名册.xlsx" in recent and "乙名册.xlsx" not in recent  # the sibling's upload is not in scope
    assert reverse("members:roster_upload") in recent
    assert reverse("employers:employer_import_upload") not in html  # not a branch officer's upload
    assert reverse("employers:employer_list") in card(html, "ledger")


def test_county_staff_get_both_uploads_the_ledger_tools_and_the_county_transfers(client, tree, county_staff, pending, uploads):
    client.force_login(county_staff)
    html = client.get(reverse("home")).content.decode()
    recent = card(html, "uploads")
    assert "甲名册.xlsx" in recent and "乙名册.xlsx" in recent
    assert reverse("members:roster_upload") in recent and reverse("employers:employer_import_upload") in recent
    ledger = card(html, "ledger")
    for name in ("employers:rate", "employers:new_sector", "employers:instructor_list", "employers:site_list",
                 "employers:employer_create", "employers:employer_import_upload"):
        assert reverse(name) in ledger
    assert reverse("members:access_log") not in html  # city staff's alone


def test_leader_sees_read_only_links(client, tree, leader, pending):
    """DESIGN.md: leadership reads its subtree, read-only — no upload, create or request links."""
    client.force_login(leader)
    html = client.get(reverse("home")).content.decode()
    assert 'id="home-uploads"' not in html
    for name in ("members:create", "members:roster_upload", "members:transfer_in", "employers:employer_create",
                 "employers:employer_import_upload", "organizations:create"):
        assert reverse(name) not in html, name
    assert reverse("members:list") in card(html, "members") and reverse("employers:rate") in card(html, "ledger")
    assert "text-bg-danger" not in card(html, "transfers")  # nothing waits for a leader's decision
    assert "Your role can view but not change data." in html


def test_city_staff_reach_the_access_log(client, tree, city_staff):
    client.force_login(city_staff)
    assert reverse("members:access_log") in card(client.get(reverse("home")).content.decode(), "members")


@pytest.mark.parametrize("size", [2, 40])
def test_home_with_cards_queries_do_not_grow(client, tree, county_staff, branch_officer, settings, tmp_path,
                                             django_assert_max_num_queries, size):
    settings.MEDIA_ROOT = tmp_path
    bulk_children(tree.township_a1, size)
    for i in range(size):
        member = MemberFactory(organization=tree.union_b1)
        TransferFactory(member=member, to_organization=tree.union_a1a, requested_by=branch_officer)
        create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                          uploaded_file=upload(xlsx_bytes(roster_rows(1)), f"f{i}.xlsx"), enqueue=False)
    client.force_login(county_staff)
    # session, user, scope root, counts by kind, transfers in and out, recent uploads, competitions
    # running; session save (3); the events card: events planned and over, hazards overdue (2)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert len(response.context["cards"][2].context["uploads"]) == min(size, 5)
