"""Smoke test of `manage.py benchmark --quick` on tiny data: the machinery runs end to end,
reports every page for every user, and leaves the database as it found it. No timings
are asserted (speed claims come from the command on the city data, docs/PERFORMANCE.md),
but every page that exists must have answered its expected status ("ok": 200, or the
find-by-ID redirect), and only a page whose URL name the project lacks may be "not built"."""

import json
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.urls import get_resolver

from apps.accounts.roles import Role
from apps.members.models import Member
from apps.organizations.models import Organization
from bench import mixed_import
from bench.actors import pick_sample
from bench.pages import PAGES, measured_by
from bench.stats import percentile
from demo import members as demo
from demo.management.commands.seed_demo import DemoContext
from tests.accounts.factories import UserFactory
from tests.assistance.factories import living_standards, make_file


@pytest.fixture
def members(tree):
    demo.seed(DemoContext(scale="small", rng=random.Random(7), out=BaseCommand()))
    # A hardship file in the union the benchmark works in, so the file page has one to show.
    union = pick_sample().union
    living_standards(union.county)
    officer = UserFactory(role=Role.BRANCH_OFFICER, organization=union)
    make_file(officer, union)
    return Member.objects.count()


def url_name_exists(name: str) -> bool:
    """Whether the project routes this (namespaced) URL name, whatever arguments it takes."""
    resolver = get_resolver()
    *namespaces, base = name.split(":")
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            return False
        resolver = resolver.namespace_dict[namespace][1]
    return base in resolver.reverse_dict


def built_pages() -> set[str]:
    return {page.key for page in PAGES if any(url_name_exists(name) for name in page.url_names)}


def test_benchmark_pages_that_exist_are_known_as_built():
    existing = {"member_list", "member_detail", "member_search_id", "organization_tree", "establishment_rate",
                "organization_detail", "member_count"}
    assert existing <= built_pages()
    assert not url_name_exists("events:no_such_page") and not url_name_exists("members:no_such_page")


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

    # Over HTTP needs the data committed for gunicorn's processes: not in a test's transaction.
    call_command("benchmark", "--quick", "--no-subprocess", "--no-http", "--output", str(output))

    results = json.loads(output.read_text(encoding="utf-8"))
    assert {(r["page"], r["actor"]) for r in results["pages"]} == {
        (page.key, actor) for page in PAGES for actor in ("city", "county", "branch") if measured_by(page, actor)
    }
    built = built_pages()
    for row in results["pages"]:
        if row["page"] in built:
            # "ok" only when the page answered its expected status (pages.measure_page).
            assert row["status"] == "ok", row
            assert row["timing"]["runs"] == 3 and row["queries"] > 0
        else:
            assert row["status"] == "not built", row
    assert results["admin"]["name"]["runs"] == 3 and results["admin"]["tuned_id_number"]["runs"] == 3
    # A page is timed with the htmx partials it loads on open, as one figure and per part.
    parts = {r["page"]: [p["label"] for p in r["parts"]] for r in results["pages"] if r["actor"] == "county"}
    # The notification bell (issue 16) loads on every page, so it counts in every page's figure.
    assert parts["establishment_rate"] == ["page", "notifications:bell", "members:county_counts"]
    assert "members:org_counts" in parts["organization_detail"]
    assert results["export"]["status"] == "ok" and results["export"]["runs"] == 1
    mixed = results["mixed_import"]
    assert mixed["status"] == "ok" and mixed["figures_exact"], mixed
    assert {k for k, v in mixed["outcomes"].items() if v} == {"new", "updated", "unchanged", "conflict"}
    assert {t["target"][:20] for t in results["targets"]} and results["quiet"] in (True, False)
    commands = get_commands()
    report_status = "ok" if "generate_report" in commands else "not built"
    assert [(r["kind"], r["status"]) for r in results["reports"]] == [
        ("monthly", report_status),
        ("annual", report_status),
    ]
    assert results["import_export"]["defaults"]["written"] == results["plan"]["xlsx_rows"]
    assert results["import_export"]["bulk"]["written"] == results["plan"]["xlsx_rows"]
    assert [c["rows"] for c in results["copy"]] == [results["plan"]["xlsx_rows"], results["plan"]["csv_rows"]]
    assert "import_roster" in commands
    assert [entry["status"] for entry in results["imports"]] == ["ok", "ok"], results["imports"]
    for entry in results["imports"]:
        assert entry["written"] == entry["rows"]
    assert "| member list, first page | branch |" in output.with_suffix(".md").read_text(encoding="utf-8")
    # Everything was rolled back or removed: no imported members, no throwaway union, no users.
    assert Member.objects.count() == members
    assert not Organization.objects.filter(code=mixed_import.THROWAWAY_CODE).exists()
    assert get_user_model().objects.count() == users_before
