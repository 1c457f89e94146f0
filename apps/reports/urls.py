from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/row/", views.report_row, name="row"),
    path("<int:pk>/<str:fmt>/", views.report_download, name="download"),
]
