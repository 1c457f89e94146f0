from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on their own (admin pages, downloads): the portal's
    icon, public like the login page, instead of a 404 logged on every first visit."""
    return redirect(static("favicon.svg"))
