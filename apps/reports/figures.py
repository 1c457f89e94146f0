"""The annual work statistics (年度工作统计): the figures of the federation's year-end summary,
as one list of definitions — (section, label, unit, how to read it).

Each figure is read from the records through the owning app's selectors, seen as the
report's scope organization (apps.reports.viewer), for the report's year. A figure whose
records the portal does not keep has no reader: the report shows "—" and says why, never a
zero it did not count. A new app's figures get their reader here, in this one list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from apps.assistance.selectors import assistance_totals, legal_figures, visit_figures
from apps.competitions.selectors import (
    competition_counts,
    fund_totals,
    innovation_enterprise_counts,
    participation_totals,
)
from apps.employers.selectors import county_rate_table, demonstration_sites_visible_to, instructors_visible_to
from apps.events.selectors import Period, hazard_totals, outreach_totals, training_totals
from apps.members.selectors import members_count_by_county
from apps.organizations.selectors import organization_counts_by_county

from .kinds import BuildContext



class Lookups:
    """One build's selector answers, each asked once however many figures read it."""

    def __init__(self, ctx: BuildContext):
        self.ctx, self._answers = ctx, {}

    def get(self, key: str, read: Callable[[], object]):
        if key not in self._answers:
            self._answers[key] = read()
        return self._answers[key]

    @property
    def year(self) -> int:
        return self.ctx.start.year

    def rates(self):
        return self.get("rates", lambda: county_rate_table(actor=self.ctx.viewer)[1])

    def visits(self):
        return self.get("visits", lambda: visit_figures(actor=self.ctx.viewer, year=self.year))

    def legal(self):
        return self.get("legal", lambda: legal_figures(actor=self.ctx.viewer, year=self.year))

    def members(self):
        return self.get("members", lambda: members_count_by_county(actor=self.ctx.viewer))

    def competitions(self):
        return self.get("competitions", lambda: competition_counts(actor=self.ctx.viewer, year=self.year))

    def participation(self):
        return self.get("participation", lambda: participation_totals(actor=self.ctx.viewer, year=self.year))

    def enterprises(self):
        return self.get("enterprises", lambda: innovation_enterprise_counts(actor=self.ctx.viewer, year=self.year))

    def fund(self):
        return self.get("fund", lambda: fund_totals(actor=self.ctx.viewer, year=self.year))

    def outreach(self):
        return self.get("outreach", lambda: outreach_totals(actor=self.ctx.viewer, period=Period(self.year)))

    def trainings(self):
        return self.get("trainings", lambda: training_totals(actor=self.ctx.viewer, period=Period(self.year)))

    def hazards(self):
        return self.get("hazards", lambda: hazard_totals(actor=self.ctx.viewer, period=Period(self.year)))

    def assistance_by_kind(self):
        return self.get("assistance", lambda: assistance_totals(actor=self.ctx.viewer, by="kind", year=self.year))


# A reader returns a number (int or Decimal), or a list of (sub-label, number) rows.
Reader = Callable[[Lookups], object]


@dataclass(frozen=True)
class Figure:
    section: str
    label: str
    unit: str
    read: Reader | None = None  # None: the records are not kept yet; shown as "—" with `pending`
    pending: str = ""
    note: str = ""


def _organizations(lookups: Lookups) -> int:
    return sum(organization_counts_by_county(actor=lookups.ctx.viewer).values())


def _rate(bracket: str) -> Reader:
    return lambda lookups: lookups.rates().brackets[bracket].rate


def _assistance(field: str) -> Reader:
    def read(lookups: Lookups):
        return [(row["label"], row[field]) for row in lookups.assistance_by_kind()]
    return read


def _assistance_total(field: str) -> Reader:
    zero = Decimal("0.00") if field == "amount" else 0
    return lambda lookups: sum((row[field] for row in lookups.assistance_by_kind()), zero)


ORGANIZING = _("Organizations and members")
COMPETITIONS = _("Labor and skills competitions")
OUTREACH = _("Lectures and outreach")
TRAINING = _("Trainings and workplace safety")
LEGAL = _("Legal services")
ASSISTANCE = _("Visits and assistance")
AS_OF_NOW = _("As recorded when the report was generated.")

ANNUAL_FIGURES: list[Figure] = [
    Figure(ORGANIZING, _("union organizations"), _("organizations"), _organizations, note=AS_OF_NOW),
    Figure(ORGANIZING, _("members"), _("people"), lambda lk: sum(r["members"] for r in lk.members()), note=AS_OF_NOW),
    Figure(ORGANIZING, _("new-employment-form members"), _("people"),
           lambda lk: sum(r["new_employment"] for r in lk.members()), note=AS_OF_NOW),
    Figure(ORGANIZING, _("union establishment rate, employers with 50 or more employees"), "%", _rate("50"),
           note=AS_OF_NOW),
    Figure(ORGANIZING, _("union establishment rate, employers with 25 or more employees"), "%", _rate("25"),
           note=AS_OF_NOW),
    Figure(ORGANIZING, _("work instructors in office"), _("people"),
           lambda lk: instructors_visible_to(lk.ctx.viewer).filter(status="active").count(), note=AS_OF_NOW),
    Figure(ORGANIZING, _("party–union co-construction demonstration sites"), _("sites"),
           lambda lk: demonstration_sites_visible_to(lk.ctx.viewer).filter(status="active").count(), note=AS_OF_NOW),
    Figure(COMPETITIONS, _("key-project competitions"), _("competitions"),
           lambda lk: lk.competitions()["by_kind"].get("key_project", 0)),
    Figure(COMPETITIONS, _("theme competitions"), _("competitions"),
           lambda lk: lk.competitions()["by_kind"].get("theme", 0)),
    Figure(COMPETITIONS, _("competition participants"), _("person-times"),
           lambda lk: lk.participation()["people_times"]),
    Figure(COMPETITIONS, _("all-staff innovation enterprises, provincial level"), _("enterprises"),
           lambda lk: lk.enterprises().get("provincial", 0)),
    Figure(COMPETITIONS, _("all-staff innovation enterprises, city level"), _("enterprises"),
           lambda lk: lk.enterprises().get("city", 0)),
    Figure(COMPETITIONS, _("all-staff innovation enterprises, county level"), _("enterprises"),
           lambda lk: lk.enterprises().get("county", 0)),
    Figure(COMPETITIONS, _("innovation fund used"), _("yuan"), lambda lk: lk.fund()["paid"]),
    Figure(OUTREACH, _("lectures"), _("sessions"), lambda lk: lk.outreach()["lectures"]),
    Figure(OUTREACH, _("lecture audience"), _("person-times"), lambda lk: lk.outreach()["lecture_audience"]),
    Figure(OUTREACH, _("model-worker lectures"), _("sessions"), lambda lk: lk.outreach()["model_worker_lectures"]),
    Figure(OUTREACH, _("live streams"), _("sessions"), lambda lk: lk.outreach()["live_streams"]),
    Figure(OUTREACH, _("live-stream views"), _("person-times"), lambda lk: lk.outreach()["live_stream_views"]),
    Figure(TRAINING, _("trainings"), _("sessions"), lambda lk: lk.trainings()["sessions"]),
    Figure(TRAINING, _("trainees"), _("person-times"), lambda lk: lk.trainings()["trainees"]),
    Figure(TRAINING, _("hazards found"), _("items"), lambda lk: lk.hazards()["found"]),
    Figure(TRAINING, _("hazards rectified"), _("items"), lambda lk: lk.hazards()["rectified"]),
    Figure(LEGAL, _("legal lectures"), _("sessions"), lambda lk: lk.outreach()["legal_lectures"]),
    Figure(LEGAL, _("legal lecture attendees"), _("person-times"), lambda lk: lk.outreach()["legal_attendees"]),
    Figure(LEGAL, _("legal aid cases accepted"), _("cases"), lambda lk: lk.legal()["cases"]),
    Figure(ASSISTANCE, _("households visited"), _("households"), lambda lk: lk.visits()["households"]),
    Figure(ASSISTANCE, _("problems solved for visited households"), _("problems"), lambda lk: lk.visits()["solved"]),
    Figure(ASSISTANCE, _("assistance given, by kind"), _("person-times"), _assistance("records")),
    Figure(ASSISTANCE, _("assistance given, by kind"), _("yuan"), _assistance("amount")),
    Figure(ASSISTANCE, _("assistance given, all kinds"), _("person-times"), _assistance_total("records")),
    Figure(ASSISTANCE, _("assistance given, all kinds"), _("yuan"), _assistance_total("amount")),
]

NOT_AVAILABLE = "—"
NOTHING_TO_COUNT = _("Nothing in the records to compute it from.")


def figure_rows(ctx: BuildContext, figures: list[Figure] = ANNUAL_FIGURES) -> list[list]:
    """[section, figure, value, unit, note] per figure (a reader giving a list gives a row per item)."""
    lookups = Lookups(ctx)
    rows = []
    for position, figure in enumerate(figures, start=1):
        if figure.read is None:
            rows.append([str(figure.section), str(figure.label), NOT_AVAILABLE, str(figure.unit), str(figure.pending)])
        else:
            value = figure.read(lookups)
            if isinstance(value, list):
                for sub_label, sub_value in value:
                    rows.append([str(figure.section), f"{figure.label}:{sub_label}", sub_value, str(figure.unit),
                                 str(figure.note)])
            else:
                # None: nothing to compute it from (a rate over no employers), as the pages show it.
                note = NOTHING_TO_COUNT if value is None else figure.note
                rows.append([str(figure.section), str(figure.label), NOT_AVAILABLE if value is None else value,
                             str(figure.unit), str(note)])
        ctx.progress(10 + 80 * position // len(figures))
    return rows
