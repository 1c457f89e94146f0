# URL patterns of the roster upload (issue 4 item 4); included by apps/members/urls.py.
urlpatterns: list = []
