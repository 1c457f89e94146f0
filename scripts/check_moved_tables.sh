#!/bin/bash
# A database seeded at the schema of OLD_COMMIT (before the ledger, uploads and access log
# moved to the employers, imports and accounts apps) keeps every row when migrated to this
# code. Usage: scripts/check_moved_tables.sh [OLD_COMMIT]   (needs .venv and PostgreSQL)
set -e
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
DB=up_movecheck
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
OLD_COMMIT="${1:-36097f3}"
rm -rf /tmp/oldtree; git worktree prune; git worktree add -q /tmp/oldtree "$OLD_COMMIT"; ln -sf "$(pwd)/.venv" /tmp/oldtree/.venv
cd /tmp/oldtree
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo --scale small >/dev/null
# an upload job with staged rows and an access-log row, made with the old code
.venv/bin/python - <<'PY'
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings"); django.setup()
from django.db import connection
with connection.cursor() as c:
    c.execute("""INSERT INTO core_importjob (kind, organization_id, file, original_name, sha256, size, status, rows_checked, rows_total, summary, created_at)
                 SELECT 'roster', id, 'imports/x.csv', 'x.csv', repeat('0',64), 1, 'validated', 1, 1, '{}', now() FROM organizations_organization LIMIT 1""")
    c.execute("INSERT INTO core_importrow (job_id, row_number, outcome, data, messages) SELECT id, 2, 'new', '{}', '[]' FROM core_importjob")
    c.execute("""INSERT INTO core_sensitiveaccess (actor_id, action, subject_type, subject_label, organization_id, detail, created_at)
                 SELECT u.id, 'reveal', 'members.member', 'x', u.organization_id, 'id_number', now() FROM accounts_user u WHERE u.organization_id IS NOT NULL LIMIT 1""")
PY
count() { psql -h 127.0.0.1 -U postgres -d $DB -tAc "SELECT '$1', count(*) FROM $1"; }
echo "--- old schema"
for t in organizations_employer organizations_historicalemployer organizations_workinstructor organizations_historicalworkinstructor organizations_workinstructor_employers organizations_instructorvisit organizations_demonstrationsite organizations_historicaldemonstrationsite organizations_demonstrationtarget organizations_organizationchange core_importjob core_importrow core_sensitiveaccess; do count $t; done
psql -h 127.0.0.1 -U postgres -d $DB -tAc "SELECT 'members with an employer', count(*) FROM members_member WHERE employer_id IS NOT NULL"
cd "$REPO"
.venv/bin/python manage.py migrate -v0
echo "--- new schema"
for t in employers_employer employers_historicalemployer employers_workinstructor employers_historicalworkinstructor employers_workinstructor_employers employers_instructorvisit employers_demonstrationsite employers_historicaldemonstrationsite employers_demonstrationtarget organizations_organizationchange imports_importjob imports_importrow accounts_sensitiveaccess; do count $t; done
psql -h 127.0.0.1 -U postgres -d $DB -tAc "SELECT 'members with an employer', count(*) FROM members_member m JOIN employers_employer e ON e.id = m.employer_id"
psql -h 127.0.0.1 -U postgres -d $DB -tAc "SELECT 'content types', app_label, count(*) FROM django_content_type WHERE app_label IN ('employers','imports','accounts','organizations','core') GROUP BY app_label ORDER BY 2"
.venv/bin/python manage.py makemigrations --check --dry-run -v0 && echo "models match the migrated schema"
