"""The logic checks of a unit's figures (审核), each set by the city to warn or to block.

The statistical survey's review rules, as the federations and statistics offices apply them:
figures that contradict each other are hard errors to clear before reporting (a part above
its whole, members above employees: a membership rate above 100 %), and a figure that moved
more than a set share since last year needs a second look and an explanation (a common
setting is 30 %). The city decides, per check, whether it only warns (shown beside the
field) or refuses the confirmation.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .return_figures import CATEGORY_KEYS, FIGURES, figure_label

WARN, BLOCK = "warn", "block"
MODES = ((WARN, gettext_lazy("warn")), (BLOCK, gettext_lazy("block confirmation")))

MEMBERS_OVER_EMPLOYEES = "members_over_employees"
SHARE_OVER_100 = "share_over_100"
MOVED_BEYOND_TOLERANCE = "moved_beyond_tolerance"

CHECKS = (
    (MEMBERS_OVER_EMPLOYEES, gettext_lazy("members more than employees (membership rate above 100 %)")),
    (SHARE_OVER_100, gettext_lazy("a part above its whole (a share of the members above 100 %)")),
    (MOVED_BEYOND_TOLERANCE, gettext_lazy("a figure moved more than the tolerance since last year")),
)
DEFAULT_MODES = {MEMBERS_OVER_EMPLOYEES: BLOCK, SHARE_OVER_100: BLOCK, MOVED_BEYOND_TOLERANCE: WARN}
DEFAULT_TOLERANCE = 30


@dataclass(frozen=True)
class Finding:
    check: str
    field: str  # the figure the message is shown beside
    mode: str
    message: str

    @property
    def blocks(self) -> bool:
        return self.mode == BLOCK


def run_checks(values: dict, *, baseline: dict, baseline_label: str, tolerance: int, modes: dict) -> list[Finding]:
    """Every finding of `values` (figure → int or None; None is not checked)."""
    found = []

    def add(check, field, message):
        found.append(Finding(check, field, modes.get(check, DEFAULT_MODES[check]), message))

    members, employees = values.get("members"), values.get("employees")
    if members is not None and employees is not None and members > employees:
        add(MEMBERS_OVER_EMPLOYEES, "members", _(
            "%(members_label)s (%(members)d) is more than %(employees_label)s (%(employees)d): a membership "
            "rate of %(rate)s %%.") % {
            "members_label": figure_label("members"), "members": members,
            "employees_label": figure_label("employees"), "employees": employees,
            "rate": f"{members * 100 / employees:.1f}" if employees else "∞"})
    for figure in FIGURES:
        part, whole = values.get(figure.key), values.get(figure.part_of) if figure.part_of else None
        if part is not None and whole is not None and part > whole:
            add(SHARE_OVER_100, figure.key, _(
                "%(part_label)s (%(part)d) is more than %(whole_label)s (%(whole)d): above 100 %%.") % {
                "part_label": figure_label(figure.key), "part": part,
                "whole_label": figure_label(figure.part_of), "whole": whole})
    categories = [values.get(k) for k in CATEGORY_KEYS]
    if members is not None and all(c is not None for c in categories) and sum(categories) > members:
        add(SHARE_OVER_100, "regular", _(
            "The members by worker category add up to %(sum)d, more than %(members_label)s (%(members)d).") % {
            "sum": sum(categories), "members_label": figure_label("members"), "members": members})
    for figure in FIGURES:
        now, before = values.get(figure.key), baseline.get(figure.key)
        if now is None or not before:
            continue
        moved = (now - before) * 100 / before
        if abs(moved) > tolerance:
            add(MOVED_BEYOND_TOLERANCE, figure.key, _(
                "%(label)s moved %(moved)+.1f %% since last year (%(before)d in %(source)s, now %(now)d): more "
                "than the tolerance of %(tolerance)d %%.") % {
                "label": figure_label(figure.key), "moved": moved, "before": before, "source": baseline_label,
                "now": now, "tolerance": tolerance})
    return found


def blocking_error(findings: list[Finding]) -> dict[str, list[str]]:
    """{field: [messages]} of the blocking findings: the ValidationError that refuses a confirmation."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.blocks:
            errors.setdefault(finding.field, []).append(
                _("%(message)s Correct it before confirming (the city set this check to block).") % {
                    "message": finding.message})
    return errors
