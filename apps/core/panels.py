"""Panels one app shows on another app's page, loaded by htmx after the page itself.

A page names a slot ("organization", "county_figures"); an app that has something to show
there registers a panel from its AppConfig.ready(): the URL name of its partial and how to
build that URL from the page's object. So the organization page shows member counts and
the ledger without the organizations app knowing either app exists, and the layers stay
one-way (a lower app never names a higher one, not even in a template).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse


@dataclass(frozen=True)
class Panel:
    url_name: str
    # page object → (URL kwargs, query parameters)
    arguments: Callable[[object], tuple[dict, dict]] = field(default=lambda obj: ({}, {}))
    placeholder_id: str = ""


_PANELS: dict[str, list[Panel]] = {}


def register_panel(slot: str, panel: Panel) -> None:
    panels = _PANELS.setdefault(slot, [])
    if panel not in panels:
        panels.append(panel)


def panel_urls(slot: str, obj=None) -> list[tuple[Panel, str]]:
    """(panel, URL) of every panel registered for `slot`, in registration order."""
    result = []
    for panel in _PANELS.get(slot, ()):
        kwargs, query = panel.arguments(obj)
        url = reverse(panel.url_name, kwargs=kwargs)
        query = {k: v for k, v in query.items() if v not in (None, "")}
        result.append((panel, f"{url}?{urlencode(query)}" if query else url))
    return result
