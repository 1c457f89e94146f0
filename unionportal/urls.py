from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("organizations/ledger/", include("apps.employers.urls")),
    path("organizations/", include("apps.organizations.urls")),
    path("members/", include("apps.members.urls")),
    path("assistance/", include("apps.assistance.urls")),
    path("competitions/", include("apps.competitions.urls")),
    path("events/", include("apps.events.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("reports/", include("apps.reports.urls")),
    path("", include("apps.core.urls")),
    path("", include("apps.dashboard.urls")),
]

if settings.DEBUG:  # pragma: no cover - local convenience only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
