from django.urls import path

from . import views
from .ledger.urls import urlpatterns as ledger_urlpatterns

app_name = "organizations"
urlpatterns: list = [
    path("", views.OrganizationListView.as_view(), name="list"),
    path("tree/", views.tree, name="tree"),
    path("new/", views.create, name="create"),
]
urlpatterns += ledger_urlpatterns
# Code-addressed pages last, so that fixed words ("tree", "new", the ledger's) win over a code.
urlpatterns += [
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
]
