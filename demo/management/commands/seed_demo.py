"""Demo data: `python manage.py seed_demo --scale small|city [--multiple N]`, or
`--scale province [--cities N]` (N copies of the city under a provincial federation, demo/province.py).

`--multiple N` (city only; for the benchmark's cost-growth table, issue 15) gives the same
organizations and ledger N times the city's members.

Each app contributes a `demo.py` with `seed(ctx)`; this command only orders them.
Every step is idempotent (get-or-create by natural key, or skip when present),
so running the command twice changes nothing.
"""

import random
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import (
    accounts, assistance, competitions, employers, events, members, organizations, province, reports, transfers,
)

# Order matters: later steps read what earlier ones made.
DEMO_STEPS = [organizations, employers, members, accounts, transfers, assistance, competitions, events, reports]


@dataclass
class DemoContext:
    scale: str
    rng: random.Random
    out: "BaseCommand"
    multiple: int = 1  # members: this many times the scale's target
    fraction: float = 1.0  # city only: the reference year at this share of its size (tests, benchmark)
    facts: dict = field(default_factory=dict)  # what a step wants later steps (and the summary) to know

    def say(self, message: str) -> None:
        self.out.stdout.write(message)


class Command(BaseCommand):
    help = "Create demo data shaped like the reference city (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city", "province"], default="small")
        parser.add_argument("--seed", type=int, default=20261124, help="random seed (deterministic output)")
        parser.add_argument("--multiple", type=int, default=1,
                            help="city only: N times the city's members in the same organizations (benchmark)")
        parser.add_argument("--cities", type=int, default=province.DEFAULT_CITIES,
                            help=f"province only: cities under the province (1-{province.MAX_CITIES}; "
                                 f"{province.DEFAULT_CITIES} make about 6 million members)")

    def handle(self, *args, scale, seed, multiple, cities, **options):
        if multiple < 1 or (multiple > 1 and scale != "city"):
            raise CommandError("--multiple takes a whole number of at least 1, with --scale city")
        if not 1 <= cities <= province.MAX_CITIES:
            raise CommandError(f"--cities takes 1 to {province.MAX_CITIES}")
        ctx = DemoContext(scale=scale, rng=random.Random(seed), out=self, multiple=multiple)
        if scale == "province":
            province.seed(ctx, steps=DEMO_STEPS, cities=cities, timed=self._timed)
        else:
            for module in DEMO_STEPS:
                self._timed(module.__name__.removeprefix("demo."), lambda m=module: m.seed(ctx))
        # Bulk loads leave the planner without statistics and the visibility map empty until
        # autovacuum gets to them (never, where it is off): with no statistics "path LIKE
        # '/3713/%'" was estimated at 7 organizations instead of 10,971 (a city user's age
        # filter 7 s, not 18 ms); with no visibility map no index-only scan is possible and the
        # dashboard's count of current members by joining month read the whole table (1.2 s).
        # A running portal has autovacuum for this; the seed does it once. VACUUM cannot run in
        # a transaction (a test's seed does): there, statistics only.
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(f"  planner statistics and visibility map (VACUUM ANALYZE): {time.monotonic() - started:.1f}s")

    def _timed(self, step: str, run) -> None:
        started = time.monotonic()
        run()
        self.stdout.write(f"  {step}: {time.monotonic() - started:.1f}s")
