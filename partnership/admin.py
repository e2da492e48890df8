from django.contrib import admin

from partnership.admin_audit import AuditedAdmin, ReadOnlyAdmin
from partnership.models import AuditEntry, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "area")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ("label", "partnership", "start", "end", "submission_deadline")
    list_filter = ("partnership",)


@admin.register(Priority)
class PriorityAdmin(AuditedAdmin):
    list_display = ("position", "title", "partnership")
    list_filter = ("partnership",)


class SubgroupMeetingsInline(admin.TabularInline):
    model = SubgroupMeetings
    extra = 0


@admin.register(Subgroup)
class SubgroupAdmin(AuditedAdmin):
    list_display = ("name", "chair", "partnership")
    list_filter = ("partnership",)
    inlines = [SubgroupMeetingsInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "code", "actor_label", "target_label", "partnership")
    list_filter = ("partnership", "code")
    list_select_related = ("partnership",)
    search_fields = ("code", "target_label", "actor_label")
