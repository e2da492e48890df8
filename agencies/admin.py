from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from agencies.models import Agency, FundingContribution, Representative
from agencies.resources import AgencyResource, FundingContributionResource, RepresentativeResource
from partnership.admin_audit import AuditedImportExportAdmin


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedImportExportAdmin, ImportExportModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "short_name", "kind", "statutory_role", "partnership")
    list_filter = ("partnership", "kind")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = [RepresentativeInline]

    def get_readonly_fields(self, request, obj=None):
        # An agency never moves partnership: its seats, roles and funding belong to the one it was made in.
        return ("partnership",) if obj is not None else ()


@admin.register(Representative)
class RepresentativeAdmin(AuditedImportExportAdmin, ImportExportModelAdmin):
    resource_classes = [RepresentativeResource]
    list_display = ("role_title", "agency", "name", "position")
    list_filter = ("agency__partnership",)
    list_select_related = ("agency",)
    search_fields = ("role_title", "name", "agency__name")


@admin.register(FundingContribution)
class FundingContributionAdmin(AuditedImportExportAdmin, ImportExportModelAdmin):
    resource_classes = [FundingContributionResource]
    list_display = ("agency", "period", "amount", "note")
    list_filter = ("period__partnership", "period")
    list_select_related = ("agency", "period", "period__partnership")
    search_fields = ("agency__name", "note")
