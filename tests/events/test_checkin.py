"""Check-in rules (issue 18 item 2 and "Bad input"): a signed token for one event, valid from
shortly before the start to the end; name + last 4 of the ID number or phone; once per person;
the same answer for anybody not registered. Rules per the issue."""

import datetime
import threading

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse

from apps.events import services
from apps.events.models import CheckIn, Event
from apps.events.tokens import CHECKIN_OPENS_BEFORE, SALT, TokenState, checkin_token, token_state

from .factories import EventFactory, RegistrationFactory, at

DURING = at(10, 9, 30)


def test_token_is_valid_from_shortly_before_the_start_to_the_end(event):
    token = checkin_token(event)
    assert token_state(token, event, now=event.starts_at - CHECKIN_OPENS_BEFORE - datetime.timedelta(seconds=1)) \
        == TokenState.NOT_YET
    assert token_state(token, event, now=event.starts_at - CHECKIN_OPENS_BEFORE) == TokenState.VALID
    assert token_state(token, event, now=event.ends_at) == TokenState.VALID
    assert token_state(token, event, now=event.ends_at + datetime.timedelta(seconds=1)) == TokenState.CLOSED


def test_token_of_another_event_is_invalid(tree, branch_officer, event):
    other = EventFactory(organization=tree.union_a1a, created_by=branch_officer)
    assert token_state(checkin_token(other), event, now=DURING) == TokenState.INVALID


def test_tampered_or_forged_token_is_invalid(event):
    token = checkin_token(event)
    assert token_state(token[:-2] + ("aa" if token[-2:] != "aa" else "bb"), event, now=DURING) == TokenState.INVALID
    forged = signing.dumps({"e": event.pk, "s": int(event.starts_at.timestamp())}, salt=SALT, key="not-our-secret")
    assert token_state(forged, event, now=DURING) == TokenState.INVALID
    other_salt = signing.dumps({"e": event.pk, "s": int(event.starts_at.timestamp())}, salt="elsewhere")
    assert token_state(other_salt, event, now=DURING) == TokenState.INVALID


def test_moving_the_event_makes_the_old_link_stale(event):
    token = checkin_token(event)
    event.starts_at += datetime.timedelta(days=1)
    event.ends_at += datetime.timedelta(days=1)
    event.save()
    assert token_state(token, event, now=event.starts_at) == TokenState.INVALID


def test_check_in_by_name_and_last4_of_id_or_phone_counts_once(event, branch_officer):
    person = RegistrationFactory(event=event, name="王芳", id_last4="123X", phone_last4="5678",
                                 registered_by=branch_officer)
    token = checkin_token(event)
    registration, new = services.check_in(event=event.pk, token=token, name="王 芳", last4="123x", now=DURING)
    assert (registration, new) == (person, True)
    registration, new = services.check_in(event=event.pk, token=token, name="王芳", last4="5678", now=DURING)
    assert (registration, new) == (person, False)
    event.refresh_from_db()
    assert event.checkin_count == 1 and CheckIn.objects.filter(event=event).count() == 1
    assert event.attendance == 1


@pytest.mark.parametrize(("name", "last4"), [("王芳", "0000"), ("李四", "123X"), ("无此人", "9999")])
def test_wrong_last4_and_unknown_people_get_the_same_answer_and_nothing_is_written(event, branch_officer, name,
                                                                                    last4):
    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    with pytest.raises(services.CheckInRefused) as refused:
        services.check_in(event=event.pk, token=checkin_token(event), name=name, last4=last4, now=DURING)
    assert refused.value.reason.startswith("We could not check you in with this name")
    assert not CheckIn.objects.exists()


def test_expired_token_is_refused_and_nothing_written(event, branch_officer):
    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    with pytest.raises(services.CheckInRefused) as refused:
        services.check_in(event=event.pk, token=checkin_token(event), name="王芳", last4="123X",
                          now=event.ends_at + datetime.timedelta(minutes=1))
    assert refused.value.state == TokenState.CLOSED
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_phones_at_the_same_moment_count_one(tree, branch_officer):
    """Two requests for one person race: the unique check-in row lets exactly one count."""
    event = EventFactory(organization=tree.union_a1a, created_by=branch_officer)
    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    token, barrier, results, errors = checkin_token(event), threading.Barrier(2), [], []

    def press():
        try:
            barrier.wait()
            results.append(services.check_in(event=event.pk, token=token, name="王芳", last4="123X",
                                             now=DURING)[1])
        except Exception as exc:  # pragma: no cover - shown on failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert Event.objects.get(pk=event.pk).checkin_count == 1
    assert CheckIn.objects.filter(event=event).count() == 1


# --- the public page ----------------------------------------------------------------------------


@pytest.fixture
def during(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: DURING)


def test_checkin_page_needs_no_login_and_checks_in(client, event, branch_officer, during):
    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "王芳", "last4": "123X"})
    assert response.status_code == 200 and b'id="checkin-done"' in response.content
    assert Event.objects.get(pk=event.pk).checkin_count == 1


def test_checkin_page_answers_alike_for_a_wrong_last4_and_an_unknown_name(client, event, branch_officer, during):
    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    wrong = client.post(url, {"name": "王芳", "last4": "0000"})
    unknown = client.post(url, {"name": "赵六", "last4": "0000"})
    assert wrong.status_code == unknown.status_code == 200
    import re

    def strip(response, name):  # the CSRF token is masked afresh on every response
        text = re.sub(r'X-CSRFToken": "[^"]+"', "", response.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text).replace(name, "NAME")

    import difflib

    a, b = strip(wrong, "王芳"), strip(unknown, "赵六")
    assert a == b, "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm=""))


def test_checkin_page_of_a_forged_link_is_not_found(client, event):
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": "forged"})
    assert client.get(url).status_code == 404


def test_checkin_page_says_when_it_opens(client, event, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: event.starts_at - datetime.timedelta(days=1))
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    assert b'id="checkin-not-yet"' in client.get(url).content
    assert b'id="checkin-done"' not in client.post(url, {"name": "x", "last4": "1234"}).content


def test_checkin_page_is_rate_limited_per_name(client, event, branch_officer, during):
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    answers = [client.post(url, {"name": "王芳", "last4": f"{n:04d}"}).status_code for n in range(8)]
    assert answers[:6] == [200] * 6 and answers[6:] == [429, 429]


def test_checkin_post_makes_a_bounded_number_of_queries(client, event, branch_officer, during):
    """The phone's POST is the event and one statement (the match, the check-in row and the
    count); no session is read or written, none is started on the phone."""
    from django.test.utils import CaptureQueriesContext

    RegistrationFactory(event=event, name="王芳", id_last4="123X", registered_by=branch_officer)
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"name": "王芳", "last4": "123X"})
    assert b'id="checkin-done"' in response.content
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2 and "ON CONFLICT" in statements[1], statements
    assert not any("django_session" in sql for sql in statements) and "sessionid" not in response.cookies
    assert Event.objects.get(pk=event.pk).checkin_count == 1


def test_the_limits_cost_one_redis_round_trip_and_hold_across_both_keys(event, branch_officer):
    """Per address and per name in one script call; the name's limit holds whatever the address."""
    from apps.core.ratelimit import take_one_for_each

    limits = {"ratelimit:test:a": (3, 60), "ratelimit:test:b": (5, 60)}
    assert [take_one_for_each(limits) for _ in range(5)] == [True, True, True, False, False]
    from django.core.cache import cache

    assert cache.get("ratelimit:test:b") == 5  # readable as take_one_for's counters are
    redis = cache._cache.get_client()
    assert 0 < redis.ttl(cache.make_and_validate_key("ratelimit:test:a")) <= 60  # the window is set, once
