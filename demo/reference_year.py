"""The reference year (issue 20 item 7): the figures of the federation's year-end summary that
`seed_demo --scale city` builds, as records, for the annual work statistics to count.

One table for the seeders (what to build), the test (tests/reports/test_reference_year.py) and
the benchmark (bench/reference_year.py): each line names the report's figure (its label and
unit, as apps/reports/figures.py writes them), the article's wording, and the number the seed
builds at full size. A seed at a `fraction` of the city (DemoContext.fraction, tests and the
benchmark only) builds `scaled(target, fraction)` of every count; rates and the demonstration
sites per county do not scale.

The article gives some figures as "530+" or "~10,000": the seed builds one number that reads so
(532 lectures, 10,000 attendees), and the check is that the report gives exactly that number.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

YEAR = 2026  # the year the city's records are dated in (demo/competitions, events, assistance)


def scaled(full: int, fraction: float = 1.0) -> int:
    """`full` at `fraction` of the city, rounded half up; at least 1 of anything there is."""
    if fraction == 1 or not full:
        return full
    return max(1, int(Decimal(full * fraction).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def scaled_money(full: Decimal, fraction: float = 1.0) -> Decimal:
    return (full * Decimal(str(fraction))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# What the seeders build (full size); the lines below say which report figure shows each.
ORGANIZATIONS = 10_998
MEMBERS = 856_000
RATE_50, RATE_25 = Decimal("100.0"), Decimal("93.0")
INSTRUCTORS = 100
SITES_PER_COUNTY = (3, 5)
KEY_PROJECT_COMPETITIONS, THEME_COMPETITIONS = 10, 62  # 72: "70+ competitions"
ENTERPRISES = {"provincial": 3, "city": 10, "county": 100}
FUND = Decimal("2000000.00")
LECTURES, LECTURE_AUDIENCE = 532, 1_120_000
MODEL_WORKER_LECTURES, LIVE_STREAMS, LIVE_STREAM_VIEWS = 167, 25, 250_000
TRAININGS, TRAINEES = 20_400, 410_000
HAZARDS = 82_000  # found in the year, every one rectified
LEGAL_LECTURES, LEGAL_ATTENDEES = 50, 10_000
LEGAL_AID_CASES = 1_350
HOUSEHOLDS_VISITED, PROBLEMS_SOLVED = 1_120, 160


@dataclass(frozen=True)
class Line:
    label: str  # the report figure's label (msgid, apps/reports/figures.py)
    unit: str  # its unit (msgid)
    article: str  # as the article gives it
    target: object  # int, Decimal, or "sum:" of other lines (see `expected`)
    scales: bool = True
    rate: bool = False  # a percentage: equal within the rounding of covered ÷ employers
    between: tuple[int, int] | None = None  # per county: the figure lies between n×counties and m×counties

    def expected(self, fraction: float = 1.0, counties: int = 15):
        """The number (or the (low, high) range) the report should give for a seed at `fraction`."""
        if self.between:
            return self.between[0] * counties, self.between[1] * counties
        if not self.scales or self.rate:
            return self.target
        if isinstance(self.target, Decimal):
            return scaled_money(self.target, fraction)
        return scaled(self.target, fraction)


LINES: list[Line] = [
    Line("union organizations", "organizations", "10,998 organizations", ORGANIZATIONS),
    Line("members", "people", "856,000 members", MEMBERS),
    Line("union establishment rate, employers with 50 or more employees", "%", "100%", RATE_50, rate=True),
    Line("union establishment rate, employers with 25 or more employees", "%", "93%", RATE_25, rate=True),
    Line("work instructors in office", "people", "100 instructors", INSTRUCTORS),
    Line("party–union co-construction demonstration sites", "sites", "3–5 demonstration sites per county", None,
         between=SITES_PER_COUNTY),
    Line("key-project competitions", "competitions", "70+ competitions (key-project and theme)",
         KEY_PROJECT_COMPETITIONS),
    Line("theme competitions", "competitions", "70+ competitions (key-project and theme)", THEME_COMPETITIONS),
    Line("all-staff innovation enterprises, provincial level", "enterprises", "3 provincial",
         ENTERPRISES["provincial"]),
    Line("all-staff innovation enterprises, city level", "enterprises", "10 city", ENTERPRISES["city"]),
    Line("all-staff innovation enterprises, county level", "enterprises", "100 county", ENTERPRISES["county"]),
    Line("innovation fund used", "yuan", "the 2,000,000-yuan fund", FUND),
    Line("lectures", "sessions", "530+ lectures", LECTURES),
    Line("lecture audience", "person-times", "1.1 M+ audience", LECTURE_AUDIENCE),
    Line("model-worker lectures", "sessions", "167 model-worker lectures", MODEL_WORKER_LECTURES),
    Line("live streams", "sessions", "25 live streams", LIVE_STREAMS),
    Line("trainings", "sessions", "20,000+ trainings", TRAININGS),
    Line("trainees", "person-times", "400,000+ trainees", TRAINEES),
    Line("hazards found", "items", "82,000 hazards (found and rectified)", HAZARDS),
    Line("hazards rectified", "items", "82,000 hazards rectified", HAZARDS),
    Line("legal lectures", "sessions", "50 legal lectures", LEGAL_LECTURES),
    Line("legal lecture attendees", "person-times", "~10,000 attendees", LEGAL_ATTENDEES),
    Line("legal aid cases accepted", "cases", "1,300+ legal aid cases", LEGAL_AID_CASES),
    Line("households visited", "households", "1,100+ households visited", HOUSEHOLDS_VISITED),
    Line("problems solved for visited households", "problems", "150+ problems solved", PROBLEMS_SOLVED),
]
# The article's "70+ competitions" is the two lines together (10 key-project + 62 theme).
COMPETITIONS_AT_LEAST = 70


def exact_split(total: int, weights: list[float]) -> list[int]:
    """`total` over `weights` in whole numbers summing exactly to it (largest remainders)."""
    whole = sum(weights) or 1.0
    shares = [w * total / whole for w in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- checking a generated report against the reference year (the test and the benchmark) ---------


def _number(value):
    if isinstance(value, (int, Decimal)) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return value  # "—": not computed


def check(rows, *, fraction: float = 1.0, counties: int = 15, rate_tolerance=Decimal("0")) -> list[dict]:
    """One entry per reference line, and one for the article's "70+ competitions":
    {"figure", "article", "expected", "got", "ok"} for the annual work statistics' `rows`
    ([section, figure, value, unit, note], as the report's sheet has them, in its language).
    A rate is ok within `rate_tolerance` points (a scaled-down seed has few employers to make
    93% of); the sites between 3 and 5 per county; every other figure exactly."""
    from django.utils import translation
    from django.utils.translation import gettext

    from apps.reports.generation import FORM_LANGUAGE

    with translation.override(FORM_LANGUAGE):
        values = {(str(row[1]), str(row[3])): _number(row[2]) for row in rows if len(row) >= 4 and row[1]}
        result = []
        for line in LINES:
            expected = line.expected(fraction, counties)
            got = values.get((gettext(line.label), gettext(line.unit)))
            if got is None or not isinstance(got, (int, Decimal)):
                ok = False
            elif line.between:
                ok = expected[0] <= got <= expected[1]
            elif line.rate:
                ok = abs(Decimal(got) - expected) <= rate_tolerance
            else:
                ok = got == expected
            result.append({"figure": line.label, "article": line.article, "expected": expected, "got": got,
                           "ok": ok})
    by_label = {entry["figure"]: entry for entry in result}
    key, theme = by_label["key-project competitions"], by_label["theme competitions"]
    both = (key["got"] or 0) + (theme["got"] or 0)
    at_least = scaled(COMPETITIONS_AT_LEAST, fraction)
    result.insert(result.index(theme) + 1, {
        "figure": "competitions, key-project and theme", "article": "70+ competitions",
        "expected": f"≥ {at_least}", "got": both, "ok": key["ok"] and theme["ok"] and both >= at_least})
    return result


def table(entries: list[dict]) -> list[str]:
    """The check as a Markdown table: figure, article, expected, got, ok."""
    lines = ["| figure | article | expected | got | ok |", "|---|---|---|---|---|"]
    for e in entries:
        expected = e["expected"]
        if isinstance(expected, tuple):
            expected = f"{expected[0]}–{expected[1]}"
        lines.append(f"| {e['figure']} | {e['article']} | {expected} | {e['got']} | {'ok' if e['ok'] else 'NO'} |")
    return lines
