# URL patterns of the roster upload (issue 4 item 4); included by apps/members/urls.py.
from django.urls import path

from . import views

urlpatterns: list = [
    path("roster/", views.RosterUploadView.as_view(), name="roster_upload"),
    path("roster/template.xlsx", views.RosterTemplateView.as_view(), name="roster_template"),
    path("roster/<int:pk>/", views.RosterJobView.as_view(), name="roster_detail"),
    path("roster/<int:pk>/progress/", views.RosterProgressView.as_view(), name="roster_progress"),
    path("roster/<int:pk>/commit/", views.RosterCommitView.as_view(), name="roster_commit"),
    path("roster/<int:pk>/errors.xlsx", views.RosterErrorsView.as_view(), name="roster_errors"),
]
