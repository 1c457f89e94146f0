from django.urls import path  # noqa: F401

from .ledger.urls import urlpatterns as ledger_urlpatterns

app_name = "organizations"
urlpatterns: list = []
urlpatterns += ledger_urlpatterns
