"""URLconf used only while the benchmark times the Django admin comparison.

A throwaway AdminSite with a plain ModelAdmin for Member (search_fields on name and ID
number, everything else Django's defaults): what a team would get from the admin for
free. It is mounted next to the portal's own URLs only under override_settings in the
benchmark; the portal's admin never registers Member this way.
"""

from django.contrib.admin import AdminSite, ModelAdmin
from django.urls import path

from apps.members.models import Member
from unionportal.urls import urlpatterns as portal_urlpatterns


class MemberSearchAdmin(ModelAdmin):
    search_fields = ["name", "id_number"]


site = AdminSite(name="benchmark_admin")
site.register(Member, MemberSearchAdmin)

CHANGELIST_URL = "/benchmark-admin/members/member/"
urlpatterns = [path("benchmark-admin/", site.urls), *portal_urlpatterns]
