"""No parallel sequential scans of the union tree (issue 21, the province run).

A scope is "path LIKE '/37/3713/371302/%'" on the tree, joined to the rows it narrows. At
one city the tree (11,000 organizations, 2 MB) is below min_parallel_table_scan_size and is
read through the C-collated path index; under a province (77,000, 14 MB) it qualifies for a
parallel plan, which the planner prices a little under the index (its workers share the
joined side's cost) and then runs in 15-25 ms: a branch officer's member list 2 -> 25 ms,
a county's filtered list 20 -> 67 ms (EXPLAIN ANALYZE on the 6.2 M-member province). The
subtree of a scope is always a range of that index; the table is never big enough for
workers to pay, so it is given none. Scans of the big tables (members, counts) keep theirs.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_province_federation"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE organizations_organization SET (parallel_workers = 0)",
            reverse_sql="ALTER TABLE organizations_organization RESET (parallel_workers)",
        ),
    ]
