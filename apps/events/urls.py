from django.urls import path

from apps.imports.views import upload_urlpatterns

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/held/", views.event_held, name="event_held"),
    path("<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", views.photo_download, name="photo_download"),
    path("<int:pk>/training/", views.training_figures, name="training_figures"),
    path("<int:pk>/job-fair/", views.job_fair_figures, name="job_fair_figures"),
    path("<int:pk>/register/member/", views.register_member, name="register_member"),
    path("<int:pk>/register/group/", views.register_group, name="register_group"),
    path("<int:pk>/register/me/", views.register_self, name="register_self"),
    path("<int:pk>/registrations/<int:registration>/remove/", views.registration_remove,
         name="registration_remove"),
    path("<int:pk>/qr.svg", views.event_qr, name="event_qr"),
    path("<int:pk>/check-in-screen/", views.checkin_screen, name="checkin_screen"),
    path("<int:pk>/check-in/<str:token>/", views.checkin, name="checkin"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/feed/renew/", views.feed_renew, name="feed_renew"),
    path("calendar/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("lecturers/", views.lecturer_list, name="lecturer_list"),
    path("lecturers/new/", views.lecturer_create, name="lecturer_create"),
    path("lecturers/<int:pk>/", views.lecturer_detail, name="lecturer_detail"),
    path("lecturers/<int:pk>/edit/", views.lecturer_edit, name="lecturer_edit"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("hazards/<int:pk>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("hazards/<int:pk>/verify/", views.hazard_verify, name="hazard_verify"),
    path("statistics/", views.statistics, name="statistics"),
]
urlpatterns += upload_urlpatterns(kind="hazards", path_prefix="hazards/upload/", name_prefix="hazard_import_")
