from django.urls import path

from . import views, views_transfers
from .roster.urls import urlpatterns as roster_urlpatterns

app_name = "members"
urlpatterns: list = [
    path("", views.member_list, name="list"),
    path("count/", views.member_count, name="count"),
    path("find/", views.member_find, name="find"),
    path("export/", views.member_export, name="export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/status/", views.member_status, name="status"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("<int:pk>/transfer/", views_transfers.transfer_out, name="transfer_out"),
    path("transfers/", views_transfers.transfer_list, name="transfers"),
    path("transfers/request/", views_transfers.transfer_in, name="transfer_in"),
    path("transfers/overdue/", views_transfers.transfer_overdue, name="transfers_overdue"),
    path("transfers/<int:pk>/confirm/", views_transfers.transfer_confirm, name="transfer_confirm"),
    path("transfers/<int:pk>/reject/", views_transfers.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", views_transfers.transfer_cancel, name="transfer_cancel"),
    path("access-log/", views.access_log, name="access_log"),
    path("organization-counts/<int:org_pk>/", views.organization_member_counts, name="org_counts"),
    path("county-counts/", views.county_member_counts, name="county_counts"),
]
urlpatterns += roster_urlpatterns
