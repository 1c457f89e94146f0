from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.shortcuts import render
from django.utils import timezone

from .middleware import SESSION_ENDED_FLAG


class PortalLoginView(LoginView):
    """Django's standard login form; says so when the 12-hour limit ended the last session."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_ended"] = self.request.session.pop(SESSION_ENDED_FLAG, False)
        return context


def locked_out(request, original_response=None, credentials=None):
    """Axes' lockout response (settings.AXES_LOCKOUT_CALLABLE): what happened and when to retry.

    Every failed attempt during the lockout restarts the cool-off
    (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so "now + cool-off" is when it ends.
    """
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
