"""403, 404 and 500 are pages of the portal, in Chinese, saying what the user can do; a 403 is
one log line, not a traceback."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from apps.core.logfilters import RefusalWithoutTraceback


def test_403_is_the_portal_layout_in_chinese_and_says_what_to_do(client, chinese_default, leader):
    client.force_login(leader)  # leadership only reads: creating a member is refused
    response = client.get(reverse("members:create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="nav-main"' in html and "跳到正文" in html  # the layout, navbar and skip link
    assert "您的账户无权进行此操作" in html
    with translation.override("zh-hans"):
        assert f"“{leader.get_role_display()}”" in html  # names the role that lacks the right
    actions = html.split('id="error-actions"')[1].split("</ul>")[0]
    assert "系统管理员" in actions and "首页" in actions
    assert reverse("home") in html


def test_403_is_logged_as_one_warning_line_without_a_traceback(client, leader, caplog):
    client.force_login(leader)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("members:create")).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"Forbidden (Permission denied): {reverse('members:create')}"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_the_filter_keeps_the_traceback_of_a_server_error():
    def record(status):
        try:
            raise PermissionDenied if status == 403 else RuntimeError("boom")
        except Exception as exc:  # noqa: BLE001 - the record carries whatever was raised
            exc_info = (type(exc), exc, None)
            entry = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
        entry.status_code = status
        return entry

    refused, failed = record(403), record(500)
    assert RefusalWithoutTraceback().filter(refused) and refused.exc_info is None
    assert RefusalWithoutTraceback().filter(failed) and failed.exc_info is not None


def test_404_is_the_portal_layout_in_chinese_and_says_what_to_do(client, chinese_default, branch_officer):
    client.force_login(branch_officer)
    response = client.get("/organizations/NO-SUCH-CODE/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="nav-main"' in html and "找不到此页面" in html
    assert "请检查网址" in html.split('id="error-actions"')[1]


def test_404_for_a_visitor_offers_the_login(client, chinese_default, db):
    html = client.get("/no-such-page/").content.decode()
    assert f'href="{reverse("login")}?next=/no-such-page/"' in html


@pytest.mark.django_db
def test_500_renders_without_a_request_context_or_the_database(django_assert_num_queries):
    request = RequestFactory().get("/members/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(request)
        html = render_to_string("500.html")
    assert response.status_code == 500
    assert "系统出现了问题" in response.content.decode()
    assert "系统管理员" in html and 'href="/"' in html and "navbar-portal" in html


def test_a_form_sent_without_its_csrf_token_gets_the_portal_page(chinese_default, branch_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(branch_officer)
    response = client.post(reverse("members:transfer_in"), {})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="nav-main"' in html and "表单未能提交" in html and "重新提交" in html
