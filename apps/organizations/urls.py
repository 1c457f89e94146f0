from django.urls import path

from . import views

app_name = "organizations"
urlpatterns: list = [
    path("", views.OrganizationListView.as_view(), name="list"),
    path("tree/", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("search/", views.organization_search, name="search"),
]
# Code-addressed pages last, so that fixed words ("tree", "new", "search") win over a code.
urlpatterns += [
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
    path("<str:code>/merge/", views.merge, name="organization_merge"),
    path("<str:code>/dissolve/", views.dissolve, name="organization_dissolve"),
]
