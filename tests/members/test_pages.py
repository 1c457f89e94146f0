"""Every member page renders for the right user, answers 403 without the right, 404 outside scope."""

import pytest
from django.urls import reverse

from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tree):
    return MemberFactory(organization=tree.union_a1a)


def _get_pages(member):
    return [
        reverse("members:list"),
        reverse("members:detail", args=[member.pk]),
        reverse("members:create"),
        reverse("members:edit", args=[member.pk]),
        reverse("members:status", args=[member.pk]),
        reverse("members:transfer_out", args=[member.pk]),
        reverse("members:transfers") + "?direction=incoming",
        reverse("members:transfers") + "?direction=outgoing&status=all",
        reverse("members:transfer_in"),
        reverse("members:transfers_overdue"),
    ]


def test_every_page_renders_for_the_branch_officer(member, branch_officer, login):
    client = login(branch_officer)
    for url in _get_pages(member):
        response = client.get(url)
        assert response.status_code == 200, url
        assert member.id_number not in response.content.decode(), url


def test_write_pages_answer_403_to_the_leader(member, leader, login):
    client = login(leader)
    for name, args in [
        ("create", []),
        ("edit", [member.pk]),
        ("status", [member.pk]),
        ("transfer_out", [member.pk]),
        ("transfer_in", []),
    ]:
        assert client.get(reverse(f"members:{name}", args=args)).status_code == 403, name
    assert client.get(reverse("members:list")).status_code == 200


def test_pages_need_login(member, client):
    for url in _get_pages(member) + [reverse("members:access_log"), reverse("members:export")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_sibling_officer_gets_404_on_org_counts_of_a_sibling(tree, sibling_officer, login):
    assert (
        login(sibling_officer).get(reverse("members:org_counts", args=[tree.union_a1a.pk])).status_code == 404
    )
