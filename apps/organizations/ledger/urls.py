# URL patterns of the employer ledger (issue 3); included by apps/organizations/urls.py.
# Everything sits under "ledger/" so no organization code ("<code>/") can shadow it.
from django.urls import path

from . import lifecycle_views, upload_views, views

urlpatterns: list = [
    path("ledger/employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("ledger/employers/export.xlsx", views.employer_export, name="employer_export"),
    path("ledger/employers/new/", views.employer_create, name="employer_create"),
    path("ledger/employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("ledger/employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("ledger/upload/", upload_views.EmployerUploadView.as_view(), name="employer_import_upload"),
    path(
        "ledger/upload/template.xlsx",
        upload_views.EmployerTemplateView.as_view(),
        name="employer_import_template",
    ),
    path("ledger/upload/<int:pk>/", upload_views.EmployerJobView.as_view(), name="employer_import_detail"),
    path(
        "ledger/upload/<int:pk>/progress/",
        upload_views.EmployerProgressView.as_view(),
        name="employer_import_progress",
    ),
    path(
        "ledger/upload/<int:pk>/commit/",
        upload_views.EmployerCommitView.as_view(),
        name="employer_import_commit",
    ),
    path(
        "ledger/upload/<int:pk>/errors.xlsx",
        upload_views.EmployerErrorsView.as_view(),
        name="employer_import_errors",
    ),
    path("ledger/rates/", views.establishment_rate, name="rate"),
    path("ledger/rates/export.xlsx", views.establishment_rate_export, name="rate_export"),
    path("ledger/new-sectors/", views.new_sector_coverage, name="new_sector"),
    path("ledger/new-sectors/export.xlsx", views.new_sector_coverage_export, name="new_sector_export"),
    path("ledger/instructors/", views.InstructorListView.as_view(), name="instructor_list"),
    path("ledger/instructors/new/", views.instructor_create, name="instructor_create"),
    path("ledger/instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path("ledger/instructors/<int:pk>/edit/", views.instructor_edit, name="instructor_edit"),
    path("ledger/demonstration-sites/", views.DemonstrationSiteListView.as_view(), name="site_list"),
    path("ledger/demonstration-sites/new/", views.site_create, name="site_create"),
    path("ledger/demonstration-sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("<str:code>/merge/", lifecycle_views.organization_merge, name="organization_merge"),
    path("<str:code>/dissolve/", lifecycle_views.organization_dissolve, name="organization_dissolve"),
    path(
        "<str:code>/ledger-panel/",
        lifecycle_views.organization_ledger_panel,
        name="organization_ledger_panel",
    ),
]
