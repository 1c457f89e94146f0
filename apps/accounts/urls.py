from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# Only what the portal offers: accounts are created and reset by administrators,
# so Django's e-mail password reset pages are deliberately not routed.
urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
