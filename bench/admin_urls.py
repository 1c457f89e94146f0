"""URLconf used only while the benchmark times the Django admin comparison.

Two throwaway AdminSites, mounted next to the portal's own URLs only under
override_settings in the benchmark (the portal's admin never registers Member this way):

- `MemberSearchAdmin`: search_fields on name and ID number, everything else Django's
  defaults — what a team gets from the admin for free;
- `TunedMemberAdmin`: as a competent developer would configure it for 860,000 rows (issue
  15): `=id_number` (an exact match the index answers, not a LIKE), `list_select_related`,
  `show_full_result_count = False`, and the same page as ours — 25 current members.
"""

from django.contrib.admin import AdminSite, ModelAdmin
from django.urls import path

from apps.members.models import CURRENT_STATUSES, Member
from unionportal.urls import urlpatterns as portal_urlpatterns


class MemberSearchAdmin(ModelAdmin):
    search_fields = ("name", "id_number")


class TunedMemberAdmin(ModelAdmin):
    search_fields = ("name", "=id_number")
    list_display = ("name", "organization", "status", "worker_category", "joined_on")
    list_select_related = ("organization",)
    show_full_result_count = False
    list_per_page = 25

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status__in=CURRENT_STATUSES)


site = AdminSite(name="benchmark_admin")
site.register(Member, MemberSearchAdmin)
tuned_site = AdminSite(name="benchmark_tuned_admin")
tuned_site.register(Member, TunedMemberAdmin)

CHANGELIST_URL = "/benchmark-admin/members/member/"
TUNED_CHANGELIST_URL = "/benchmark-tuned-admin/members/member/"
urlpatterns = [path("benchmark-admin/", site.urls), path("benchmark-tuned-admin/", tuned_site.urls),
               *portal_urlpatterns]
