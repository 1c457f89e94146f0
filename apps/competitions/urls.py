from django.urls import path

from . import views, views_records

app_name = "competitions"
urlpatterns: list = [
    path("", views.competition_list, name="list"),
    path("export/", views.competition_export, name="export"),
    path("new/", views.competition_create, name="create"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/edit/", views.competition_edit, name="edit"),
    path("<int:pk>/advance/", views.competition_advance, name="advance"),
    path("<int:pk>/rules/", views.attachment_upload, name="attachment_upload"),
    path("rules/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/participations/", views.participation_add, name="participation_add"),
    path("<int:pk>/teams/", views.team_add, name="team_add"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("<int:pk>/quotas/", views.quota_set, name="quota_set"),
    path("stages/<int:pk>/scores/", views.stage_scores, name="stage_scores"),
    path("teams/<int:pk>/award/", views.award_give, name="award_give"),
    path("participations/", views.participation_list, name="participation_list"),
    path("honors/", views_records.honor_list, name="honor_list"),
    path("honors/export/", views_records.honor_export, name="honor_export"),
    path("honors/new/", views_records.honor_create, name="honor_create"),
    path("honors/member/<int:pk>/", views_records.member_honors, name="member_honors"),
    path("innovation/", views_records.enterprise_list, name="enterprise_list"),
    path("innovation/export/", views_records.enterprise_export, name="enterprise_export"),
    path("innovation/new/", views_records.enterprise_create, name="enterprise_create"),
    path("innovation/<int:pk>/", views_records.enterprise_detail, name="enterprise_detail"),
    path("innovation/<int:pk>/payments/", views_records.payment_add, name="payment_add"),
    path("innovation/<int:pk>/outcomes/", views_records.outcome_add, name="outcome_add"),
    path("fund/", views_records.fund_ledger, name="fund_ledger"),
    path("fund/export/", views_records.fund_ledger_export, name="fund_ledger_export"),
    path("statistics/", views_records.statistics, name="statistics"),
]
