"""The pieces of `python manage.py benchmark` (issue 8).

stats     percentiles and the timing loop
actors    the city, county and branch users and the sample rows they search for
pages     the pages timed (p50/p95, query counts), "not built" when a URL does not reverse
compare   the same work done the way users would otherwise do it (Django admin search,
          django-import-export, plain COPY)
rosters   the generated roster files (10,000-row .xlsx, 100,000-row .csv)
imports   roster import end to end, each run in a child process for its peak memory
generated_reports  monthly and annual statistics through generate_report
report    the printed table and benchmark-results/latest.json

Everything the benchmark writes happens inside transactions that are rolled back, so
repeated runs leave the database as they found it.
"""
