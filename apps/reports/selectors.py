"""Reads of the download centre; each starts from scope."""

from django.db.models import Q, QuerySet

from apps.organizations.scope import get_visible_or_404, scope_queryset

from .models import Report

CENTRE_PAGE_SIZE = 25


def centre_reports(*, actor) -> QuerySet[Report]:
    """The user's own reports and the scheduled reports of their scope, newest first. A
    report is of an organization's subtree: a county's reports are seen in that county and
    above it, never by a sibling county."""
    return (
        scope_queryset(Report.objects.filter(Q(requested_by=actor) | Q(scheduled=True)), actor)
        .select_related("organization", "requested_by")
        .order_by("-created_at", "-id")
    )


def centre_page(*, actor, page: int) -> tuple[list[Report], bool]:
    """One page of centre_reports and whether there is a next one: no COUNT(*)."""
    start = (page - 1) * CENTRE_PAGE_SIZE
    rows = list(centre_reports(actor=actor)[start:start + CENTRE_PAGE_SIZE + 1])
    return rows[:CENTRE_PAGE_SIZE], len(rows) > CENTRE_PAGE_SIZE


def report_detail(*, actor, pk: int) -> Report:
    """One report of the user's scope (whoever asked for it), else 404."""
    return get_visible_or_404(Report.objects.select_related("organization", "requested_by"), actor, pk=pk)


def recent_reports(*, actor, limit: int = 3) -> list[Report]:
    return list(centre_reports(actor=actor)[:limit])
