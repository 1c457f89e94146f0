#!/usr/bin/env bash
# Restore drill (docs/DEPLOYMENT.md "Backups"): a throw-away primary with WAL archiving, a base
# backup, rows written after it, the primary killed, the backup + archive restored on another
# port, rows counted. Run as root on a machine with Debian's PostgreSQL 15 and a migrated
# test_up_router database on 127.0.0.1:5432 (SOURCE_DB= picks another). Removes what it made.
set -euo pipefail
SOURCE_DB=${SOURCE_DB:-test_up_router}
B=/usr/lib/postgresql/15/bin
D=$(mktemp -d /tmp/up-drill-XXXX); chown postgres "$D"; mkdir "$D/archive"; chown postgres "$D/archive"
P=55441; R=55442
pg() { runuser -u postgres -- "$@"; }
t0=$(date +%s.%N); step() { echo "$(printf '%6.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s  $*"; }
pg $B/initdb -D "$D/primary" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> "$D/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $P
unix_socket_directories = '$D'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $D/archive/%f && cp %p $D/archive/%f'
EOF
pg $B/pg_ctl -D "$D/primary" -l "$D/primary.log" -w start >/dev/null
step "primary with WAL archiving up"
psql -h 127.0.0.1 -p $P -U postgres -qc "create database $SOURCE_DB"
pg_dump -h 127.0.0.1 -p 5432 -U postgres "$SOURCE_DB" | grep -v "^SELECT pg_catalog.set_config('search_path', '', false);" \
  | psql -h 127.0.0.1 -p $P -U postgres -d "$SOURCE_DB" -q -v ON_ERROR_STOP=1 >/dev/null
psql -h 127.0.0.1 -p $P -U postgres -d "$SOURCE_DB" -qc "create table drill_rows(n int primary key, at timestamptz default now()); insert into drill_rows(n) select generate_series(1, 100000)"
step "portal schema loaded, 100000 rows written"
pg $B/pg_basebackup -h 127.0.0.1 -p $P -U postgres -D "$D/base" -Ft -z -X fetch -c fast
step "base backup taken: $(du -sh "$D/base" | cut -f1) (tar, gzip)"
psql -h 127.0.0.1 -p $P -U postgres -d "$SOURCE_DB" -qc "insert into drill_rows(n) select generate_series(100001, 150000)"
psql -h 127.0.0.1 -p $P -U postgres -d "$SOURCE_DB" -qAtc "select pg_switch_wal()" >/dev/null
sleep 2
step "50000 rows written after the backup; WAL archived: $(ls "$D/archive" | wc -l) files"
pg $B/pg_ctl -D "$D/primary" -m immediate stop >/dev/null
step "primary stopped (the 'lost' server)"
mkdir "$D/restore"; tar -xzf "$D/base/base.tar.gz" -C "$D/restore"
chown -R postgres "$D/restore"; chmod 700 "$D/restore"
cat >> "$D/restore/postgresql.conf" <<EOF
port = $R
archive_mode = off
restore_command = 'cp $D/archive/%f %p'
EOF
touch "$D/restore/recovery.signal"; chown postgres "$D/restore/recovery.signal"
pg $B/pg_ctl -D "$D/restore" -l "$D/restore.log" -w -t 120 start >/dev/null
until [ "$(psql -h 127.0.0.1 -p $R -U postgres -d "$SOURCE_DB" -qAtc 'select pg_is_in_recovery()')" = f ]; do sleep 0.5; done
step "restored cluster up on :$R and promoted"
echo "rows: $(psql -h 127.0.0.1 -p $R -U postgres -d "$SOURCE_DB" -qAtc 'select count(*), max(n) from drill_rows')  (expected 150000|150000)"
echo "portal tables: $(psql -h 127.0.0.1 -p $R -U postgres -d "$SOURCE_DB" -qAtc "select count(*) from information_schema.tables where table_schema='public'"), migrations: $(psql -h 127.0.0.1 -p $R -U postgres -d "$SOURCE_DB" -qAtc 'select count(*) from django_migrations')"
echo "members, organizations, reports: $(psql -h 127.0.0.1 -p $R -U postgres -d "$SOURCE_DB" -qAtc 'select (select count(*) from members_member), (select count(*) from organizations_organization), (select count(*) from reports_report)')  (the source: $(psql -h 127.0.0.1 -p 5432 -U postgres -d "$SOURCE_DB" -qAtc 'select (select count(*) from members_member), (select count(*) from organizations_organization), (select count(*) from reports_report)'))"
grep -E "restored log file|redo done|archive recovery complete" "$D/restore.log" | tail -3
pg $B/pg_ctl -D "$D/restore" -m fast stop >/dev/null
rm -rf "$D"
step "stopped and removed"
