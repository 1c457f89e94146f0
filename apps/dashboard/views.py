import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.core.middleware import passive_session
from apps.core.permissions import capability_required, require_capability
from apps.organizations.models import Organization
from apps.organizations.scope import get_visible_or_404, narrowed_to
from apps.organizations.selectors import scope_counts_by_kind

from .cards import cards_for
from .exports import build_panel, panel_response
from .forms import DashboardForm
from .panels import DashboardView
from .panels import screen_figures as headline_figures
from .periods import parse_period
from .snapshots import REFRESH_MINUTES, panels_for

# The big screen asks for fresh figures this often (htmx polling; the request is passive).
SCREEN_REFRESH_SECONDS = 300


@login_required
def home(request):
    """Each role's start page: their organization, role and scope (organizations by kind),
    and a card per area of their work with what waits there (cards.py).

    Reads other apps only through their selectors (the dashboard layer's contract)."""
    by_kind = scope_counts_by_kind(actor=request.user)
    context = {
        "organization": request.user.organization,
        "scope_by_kind": by_kind,
        "scope_size": sum(count for _kind, _label, count in by_kind),
        "can_create": request.user.has_capability("organizations.create"),
        "cards": cards_for(request.user),
    }
    return render(request, "dashboard/home.html", context)


def _spans_counties(user) -> bool:
    organization = user.organization
    return organization is None or organization.kind in (
        Organization.Kind.PROVINCE_FEDERATION, Organization.Kind.CITY_FEDERATION)


def _spans_cities(user) -> bool:
    organization = user.organization
    return organization is None or organization.kind == Organization.Kind.PROVINCE_FEDERATION


def _dashboard_view(request) -> DashboardView:
    """Whose figures (the user's organization; a city of a province user's when `city` names
    one, a county of theirs when `county` does — one outside the scope answers 404) and which
    period, from the query string. A chosen city narrows the actor's scope to it, so every
    figure is the city's exactly as its own staff see it (scope.narrowed_to)."""
    user = request.user
    actor, scope = user, user.organization
    city = request.GET.get("city", "").strip()
    if city:
        scope = get_visible_or_404(
            Organization.objects.filter(kind=Organization.Kind.CITY_FEDERATION), user, via="", code=city
        )
        actor = narrowed_to(user, scope)
    code = request.GET.get("county", "").strip()
    if code:
        scope = get_visible_or_404(
            Organization.objects.filter(kind=Organization.Kind.COUNTY_FEDERATION), actor, via="", code=code
        )
    return DashboardView(actor=actor, scope=scope, period=parse_period(request.GET, today=timezone.localdate()))


def _last_months(today: datetime.date, count: int = 24) -> list[datetime.date]:
    months, day = [], today.replace(day=1)
    for _i in range(count):
        months.append(day)
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return months


def _context(view: DashboardView) -> dict:
    panels, kept_at = panels_for(view)
    return {
        "view": view,
        "panels": panels,
        "charts": [chart.spec() for built in panels for chart in built.data.charts],
        "screen_figures": headline_figures(panels),
        "computed_at": timezone.localtime(kept_at or timezone.now()),
        "kept": kept_at is not None,
        "refresh_minutes": REFRESH_MINUTES,
    }


@login_required
@require_GET
def dashboard(request):
    """The leadership dashboard of the user's scope (a county of it for city users), for a
    period: each figure against the same period last year, linked to its list (panels.py)."""
    view = _dashboard_view(request)
    today = timezone.localdate()
    initial = {
        "county": view.county.code if view.county and _spans_counties(request.user) else "",
        "city": request.GET.get("city", "").strip() if _spans_cities(request.user) else "",
        "period": view.period.kind,
        "month": view.period.start.strftime("%Y-%m") if view.period.kind == "month" else today.strftime("%Y-%m"),
        "from": view.period.start,
        "to": view.period.end,
    }
    form = DashboardForm(
        initial=initial, actor=request.user, months=_last_months(today), pick_county=_spans_counties(request.user),
        pick_city=_spans_cities(request.user),
    )
    context = _context(view) | {
        "form": form,
        "can_screen": request.user.has_capability("dashboard.screen"),
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard_export(request, panel: str):
    """One panel's figures and tables as .xlsx, for the same scope, county and period as the
    page (the same query string; another county answers 404, as the page does)."""
    view = _dashboard_view(request)
    built = build_panel(view, panel)
    if built is None:
        raise Http404
    return panel_response(view, built)


@login_required
@require_GET
@capability_required("dashboard.screen")
def screen(request):
    """The big screen (数据大屏) of the user's dashboard: full screen, dark, large figures,
    refreshed by a passive poll (screen_figures) every SCREEN_REFRESH_SECONDS."""
    view = _dashboard_view(request)
    context = _context(view) | {
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
        "poll_url": reverse("dashboard_screen_figures") + "?" + request.GET.urlencode(),
    }
    return render(request, "dashboard/screen.html", context)


@require_GET
@passive_session
def screen_figures(request):
    """The big screen's figures again, for its poll. Passive: the poll never renews the
    session, so a leader's session still ends 30 minutes after the last thing a person did;
    once it has ended the screen goes to the login page (HX-Redirect) instead of showing an
    empty page."""
    if not request.user.is_authenticated:
        if not request.headers.get("HX-Request"):
            return redirect_to_login(request.get_full_path())
        # htmx would put the login page inside the screen; the whole page goes there instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{reverse('login')}?next={reverse('dashboard_screen')}"
        return response
    require_capability(request.user, "dashboard.screen")
    return render(request, "dashboard/_screen_body.html", _context(_dashboard_view(request)))
