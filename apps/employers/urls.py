# The employer ledger's pages, mounted at /organizations/ledger/ (the paths users know
# from when the ledger lived in the organizations app) ahead of the organization pages,
# so no organization code ("<code>/") can shadow them.
from django.urls import path

from apps.imports.views import upload_urlpatterns

from . import views, views_panel

app_name = "employers"
urlpatterns: list = [
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/export.xlsx", views.employer_export, name="employer_export"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("rates/", views.establishment_rate, name="rate"),
    path("rates/export.xlsx", views.establishment_rate_export, name="rate_export"),
    path("new-sectors/", views.new_sector_coverage, name="new_sector"),
    path("new-sectors/export.xlsx", views.new_sector_coverage_export, name="new_sector_export"),
    path("instructors/", views.InstructorListView.as_view(), name="instructor_list"),
    path("instructors/export.xlsx", views.instructor_export, name="instructor_export"),
    path("instructors/new/", views.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path("instructors/<int:pk>/edit/", views.instructor_edit, name="instructor_edit"),
    path("demonstration-sites/", views.DemonstrationSiteListView.as_view(), name="site_list"),
    path("demonstration-sites/export.xlsx", views.site_export, name="site_export"),
    path("demonstration-sites/new/", views.site_create, name="site_create"),
    path("demonstration-sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("panel/<str:code>/", views_panel.organization_ledger_panel, name="organization_panel"),
]
urlpatterns += upload_urlpatterns(kind="employers", path_prefix="upload/", name_prefix="employer_import_")
