from django.urls import path

from . import views

app_name = "assistance"
urlpatterns: list = [
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
]
