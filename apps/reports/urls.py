from django.urls import path

from . import return_views, views

app_name = "reports"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/row/", views.report_row, name="row"),
    path("<int:pk>/<str:fmt>/", views.report_download, name="download"),
    # The annual statistical return (统计年报).
    path("returns/", return_views.return_list, name="returns"),
    path("returns/open/", return_views.return_open, name="return_open"),
    path("returns/<int:pk>/", return_views.return_detail, name="return_detail"),
    path("returns/<int:pk>/settings/", return_views.return_settings, name="return_settings"),
    path("returns/<int:pk>/units/", return_views.return_units, name="return_units"),
    path("returns/<int:pk>/remind/", return_views.return_remind, name="return_remind"),
    path("returns/<int:pk>/export/", return_views.return_export, name="return_export"),
    path("returns/units/<int:pk>/", return_views.return_unit, name="return_unit"),
    path("returns/units/<int:pk>/correct/", return_views.return_unit_correct, name="return_unit_correct"),
]
