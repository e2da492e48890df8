from django.contrib import admin

from partnership.admin_audit import AuditedAdmin
from people.models import Membership


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "role", "agency", "partnership")
    list_filter = ("partnership", "role")
    list_select_related = ("user", "agency", "partnership")
    search_fields = ("user__username", "user__email", "agency__name")
    autocomplete_fields = ("user",)
