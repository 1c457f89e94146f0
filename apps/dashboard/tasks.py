"""Celery entry points of the dashboard."""

from celery import shared_task

from . import snapshots


@shared_task
def refresh_dashboard_snapshots() -> int:
    """Every snapshots.REFRESH_MINUTES (CELERY_BEAT_SCHEDULE): the federations' dashboards of
    the periods leaders open, computed in advance; returns how many were written."""
    return snapshots.refresh_all()
