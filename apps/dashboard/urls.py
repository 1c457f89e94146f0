from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:panel>.xlsx", views.dashboard_export, name="dashboard_export"),
    path("dashboard/screen/", views.screen, name="dashboard_screen"),
    path("dashboard/screen/figures/", views.screen_figures, name="dashboard_screen_figures"),
]
