"""Rights inside the scope. Missing right → 403 (the row itself is in scope, so no leak)."""

from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


def require_capability(user, capability: str) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


class CapabilityRequiredMixin(LoginRequiredMixin):
    """Declare `capability = "organizations.edit"` on a class-based view."""

    capability: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.capability:
            require_capability(request.user, self.capability)
        return super().dispatch(request, *args, **kwargs)


def capability_required(capability: str):
    """Function-view form of CapabilityRequiredMixin; use below @login_required."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
