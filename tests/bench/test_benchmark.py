"""Smoke test of `manage.py benchmark --quick` on tiny data: the machinery runs end to end,
reports every page for every user, and leaves the database as it found it. No timings
are asserted (speed claims come from the command on the city data, docs/PERFORMANCE.md)."""

import json
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.members.models import Member
from bench.pages import PAGES
from bench.stats import percentile
from demo import members as demo
from demo.management.commands.seed_demo import DemoContext


@pytest.fixture
def members(tree):
    demo.seed(DemoContext(scale="small", rng=random.Random(7), out=BaseCommand()))
    return Member.objects.count()


def test_percentile_is_nearest_rank():
    samples = [float(n) for n in range(1, 31)]
    assert percentile(samples, 0.5) == 15
    assert percentile(samples, 0.95) == 29
    assert percentile([4.0], 0.95) == 4


def test_benchmark_refuses_to_run_without_members(db, tmp_path):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("benchmark", "--quick", "--output", str(tmp_path / "r.json"))


def test_quick_benchmark_reports_every_page_and_leaves_no_trace(members, tmp_path):
    users_before = get_user_model().objects.count()
    output = tmp_path / "latest.json"

    call_command("benchmark", "--quick", "--no-subprocess", "--output", str(output))

    results = json.loads(output.read_text(encoding="utf-8"))
    assert {(r["page"], r["actor"]) for r in results["pages"]} == {
        (page.key, actor) for page in PAGES for actor in ("city", "county", "branch")
    }
    for row in results["pages"]:
        assert row["status"] in ("ok", "not built") or row["status"].startswith("HTTP"), row
        if row["status"] == "ok":
            assert row["timing"]["runs"] == 3 and row["queries"] > 0
    assert results["admin"]["name"]["runs"] == 3
    assert [r["kind"] for r in results["reports"]] == ["monthly", "annual"]
    assert results["import_export"]["written"] == results["plan"]["xlsx_rows"]
    assert [c["rows"] for c in results["copy"]] == [results["plan"]["xlsx_rows"], results["plan"]["csv_rows"]]
    for entry in results["imports"]:
        assert entry["status"] in ("ok", "not built"), entry
        if entry["status"] == "ok":
            assert entry["written"] == entry["rows"]
    assert "| member list, first page | branch |" in output.with_suffix(".md").read_text(encoding="utf-8")
    # Everything was rolled back: no imported members, no benchmark users.
    assert Member.objects.count() == members
    assert get_user_model().objects.count() == users_before
