"""The federations' dashboards computed in advance (issue 19 item 5: "where a figure is
precomputed by Celery instead, the page says when it was computed and it is never more than
15 minutes stale"): a kept dashboard shows exactly the figures computed live, says when they
were computed, is never served past 15 minutes, and a reader is only ever served the
dashboard of the organization their own scope allows."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.assistance.models import LegalAidCase
from apps.dashboard import snapshots
from apps.dashboard.models import DashboardSnapshot
from apps.dashboard.periods import parse_period

from .test_dashboard import MARCH, MONTH, figures, sql_legal

TODAY = datetime.date(2025, 4, 10)


def _march():
    return [parse_period(MONTH, today=TODAY)]


def _shown(client, **params):
    response = client.get(reverse("dashboard"), {**MONTH, **params})
    assert response.status_code == 200
    return response, {k: (f.value, f.previous, f.url) for k, f in figures(response).items()}


def _new_case(union, clerk):
    LegalAidCase.objects.create(organization=union, worker_name="赵六", dispute_kind="wages", handler="律师",
                                opened_on=datetime.date(2025, 3, 20), recorded_by=clerk)


def test_a_kept_dashboard_equals_the_live_one_and_says_when_it_was_computed(client, figures_world, city_staff,
                                                                       chinese_default):
    client.force_login(city_staff)
    _response, live = _shown(client)
    snapshots.refresh(figures_world.city, _march())
    response, kept = _shown(client)
    assert kept == live
    assert response.context["kept"] is True
    computed = DashboardSnapshot.objects.get(key=f"v1:{figures_world.city.pk}:month:2025-03-01:2025-03-31:zh-hans").computed_at
    assert response.context["computed_at"] == timezone.localtime(computed)
    assert "每 10 分钟重新计算" in response.content.decode()


def test_a_kept_dashboard_is_never_served_older_than_15_minutes(client, figures_world, city_staff):
    client.force_login(city_staff)
    snapshots.refresh(figures_world.city, _march())
    path = figures_world.city.path
    before = sql_legal(path, MARCH)
    _new_case(figures_world.union_a1a, city_staff)
    # Within the 15 minutes: the kept figure, computed before the new case.
    assert _shown(client)[1]["legal-cases"][0] == before
    DashboardSnapshot.objects.update(computed_at=timezone.now() - snapshots.MAX_AGE - datetime.timedelta(seconds=1))
    response, shown = _shown(client)
    assert shown["legal-cases"][0] == sql_legal(path, MARCH) == before + 1
    assert response.context["kept"] is False


def test_a_county_clerk_is_served_only_their_own_countys_dashboard(client, figures_world, county_staff, city_staff):
    """Kept dashboards of the city and of county A: the clerk of county A is served A's (as
    a city clerk who picks A is), the clerk of county B never either of them."""
    snapshots.refresh(figures_world.city, _march())
    snapshots.refresh(figures_world.county_a, _march())
    _new_case(figures_world.union_b1, city_staff)  # after the snapshots: a live read shows it, a kept one not
    client.force_login(county_staff)  # county A
    response, shown = _shown(client)
    assert response.context["kept"] is True
    assert shown["legal-cases"][0] == sql_legal(figures_world.county_a.path, MARCH)
    client.force_login(city_staff)
    response, picked = _shown(client, county=figures_world.county_a.code)
    assert response.context["kept"] is True and picked == shown
    clerk_b = User.objects.get(organization=figures_world.county_b)  # the fixture's clerk of county B
    client.force_login(clerk_b)
    response, shown_b = _shown(client)
    assert response.context["kept"] is False
    assert shown_b["legal-cases"][0] == sql_legal(figures_world.county_b.path, MARCH) == 1


def test_refresh_keeps_every_federation_for_the_periods_leaders_open_in_every_language(figures_world):
    DashboardSnapshot.objects.create(key="v1:old", computed_at=timezone.now() - datetime.timedelta(days=3),
                                     panels=b"")
    written = snapshots.refresh_all(today=TODAY)
    federations = 3  # the city and its two counties
    assert written == federations * 4 * len(settings.LANGUAGES)
    assert DashboardSnapshot.objects.count() == written  # the old one removed
    keys = set(DashboardSnapshot.objects.values_list("key", flat=True))
    county_b = figures_world.county_b.pk
    for period in ("this_year:2025-01-01:2025-04-10", "last_year:2024-01-01:2024-12-31",
                   "month:2025-04-01:2025-04-30", "month:2025-03-01:2025-03-31"):
        for language, _name in settings.LANGUAGES:
            assert f"v1:{county_b}:{period}:{language}" in keys


def test_an_english_reader_is_served_the_english_snapshot(client, figures_world, city_staff):
    snapshots.refresh(figures_world.city, _march())
    client.force_login(city_staff)
    response = client.get(reverse("dashboard"), MONTH, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["kept"] is True
    labels = {f.key: str(f.label) for f in figures(response).values()}
    assert labels["legal-cases"] == "legal aid cases accepted"
    assert "recomputed every 10 minutes" in response.content.decode()


@pytest.mark.parametrize("params", [{"period": "range", "from": "2025-03-01", "to": "2025-03-31"}, {}],
                         ids=["custom-range", "another-period"])
def test_periods_that_are_not_kept_are_computed_live(client, figures_world, city_staff, params):
    snapshots.refresh(figures_world.city, _march())
    client.force_login(city_staff)
    response = client.get(reverse("dashboard"), params)
    assert response.context["kept"] is False

