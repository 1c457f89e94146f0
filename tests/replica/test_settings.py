"""DATABASE_REPLICA_URL in the settings, and the portal without it (issue 21 item 1: "without
the variable nothing changes"). No replica needed here."""

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver

from unionportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'aliases': list(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
    "'middleware': [m for m in s.MIDDLEWARE if 'db_router' in m], 'replicas': s.REPLICA_DATABASES, "
    "'ports': [s.DATABASES[a]['PORT'] for a in s.REPLICA_DATABASES], "
    "'mirror': [s.DATABASES[a]['TEST']['MIRROR'] for a in s.REPLICA_DATABASES]}))"
)


def settings_with(**env) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    environment |= {"DJANGO_SETTINGS_MODULE": "unionportal.settings", "LOG_LEVEL": "WARNING", **env}
    done = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_replica_url_no_router_no_middleware_no_alias():
    assert settings_with() == {"aliases": ["default"], "routers": [], "middleware": [], "replicas": [],
                               "ports": [], "mirror": []}


def test_replica_urls_comma_separated_become_aliases_with_the_router_and_middleware():
    shown = settings_with(DATABASE_REPLICA_URL="postgres://postgres@10.0.0.2:5432/up, postgres://postgres@10.0.0.3:6432/up")

    assert shown["aliases"] == ["default", "replica1", "replica2"]
    assert shown["ports"] == [5432, 6432]
    assert shown["routers"] == ["unionportal.db_router.ReplicaRouter"]
    assert shown["middleware"] == ["unionportal.db_router.ReplicaReadsMiddleware"]
    assert shown["mirror"] == ["default", "default"]  # tests never create a database on a replica


@pytest.mark.django_db
def test_the_dashboard_without_replicas_asks_no_lag_and_reads_the_primary(client, city_staff):
    if settings.REPLICA_DATABASES:
        pytest.skip("this session runs with DATABASE_REPLICA_URL set")
    client.force_login(city_staff)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200

    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "pg_last_" in q["sql"]]
    assert settings.DATABASE_ROUTERS == []


def _url_names(resolver, namespace="") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _url_names(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_replica_read_view_names_a_url():
    """A renamed URL would silently stop reading from the replica."""
    names = _url_names(get_resolver())
    assert [p for p in settings.REPLICA_READ_VIEWS if not fnmatch.filter(names, p)] == []


def test_every_replica_read_task_names_a_task():
    celery_app.loader.import_default_modules()
    names = list(celery_app.tasks)
    assert [p for p in settings.REPLICA_READ_TASKS if not fnmatch.filter(names, p)] == []


@pytest.mark.django_db
@pytest.mark.parametrize("disabled", [False, True])
def test_the_member_export_drops_its_server_side_cursor_behind_pgbouncer(tree, tmp_path, disabled):
    """DISABLE_SERVER_SIDE_CURSORS=1 (PgBouncer in transaction mode, docs/DEPLOYMENT.md 2.2: a
    named cursor's FETCH reached another server there, "cursor does not exist")."""
    from apps.members.exports import _rows_cursor, write_members_xlsx
    from apps.members.models import Member
    from tests.members.factories import MemberFactory

    MemberFactory.create_batch(3, organization=tree.union_a1a)
    saved = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = disabled
    try:
        with _rows_cursor(connection) as cursor:
            named = cursor.cursor.name is not None
        rows = write_members_xlsx(Member.objects.order_by("pk"), str(tmp_path / "m.xlsx"), unmasked=False)
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = saved

    assert named is not disabled
    assert rows == 3
