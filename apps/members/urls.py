from django.urls import path  # noqa: F401

from .roster.urls import urlpatterns as roster_urlpatterns

app_name = "members"
urlpatterns: list = []
urlpatterns += roster_urlpatterns
