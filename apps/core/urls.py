from django.urls import path

from . import health, views

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
