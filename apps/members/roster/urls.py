# URL patterns of the roster upload (issue 4 item 4); included by apps/members/urls.py.
from apps.imports.views import upload_urlpatterns

urlpatterns: list = upload_urlpatterns(kind="roster", path_prefix="roster/", name_prefix="roster_")
