from django.contrib import admin

from partnership.models import Membership, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "area")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("label", "partnership", "start", "end", "submission_deadline")
    list_filter = ("partnership",)


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ("position", "title", "partnership")
    list_filter = ("partnership",)


class SubgroupMeetingsInline(admin.TabularInline):
    model = SubgroupMeetings
    extra = 0


@admin.register(Subgroup)
class SubgroupAdmin(admin.ModelAdmin):
    list_display = ("name", "chair", "partnership")
    list_filter = ("partnership",)
    inlines = [SubgroupMeetingsInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "partnership")
    list_filter = ("partnership", "role")
    list_select_related = ("user", "agency", "partnership")
    search_fields = ("user__username", "user__email", "agency__name")
    autocomplete_fields = ("user",)
