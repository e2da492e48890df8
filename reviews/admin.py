from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from partnership.admin_audit import AuditedAdmin, AuditedImportExportAdmin, AuditedInlinesMixin
from reviews.models import ActionUpdate, LearningBriefing, PracticeReview, Recommendation, ReviewAction, RiskItem
from reviews.resources import PracticeReviewResource, ReviewActionResource


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0


@admin.register(PracticeReview)
class PracticeReviewAdmin(AuditedImportExportAdmin, ImportExportModelAdmin):
    resource_classes = [PracticeReviewResource]
    list_display = ("reference", "title", "kind", "status", "partnership")
    list_filter = ("partnership", "kind", "status")
    search_fields = ("reference", "title")
    filter_horizontal = ("priorities",)
    inlines = [RecommendationInline]


@admin.register(ReviewAction)
class ReviewActionAdmin(AuditedImportExportAdmin, ImportExportModelAdmin):
    resource_classes = [ReviewActionResource]
    list_display = ("__str__", "owner", "due_on", "status")
    list_filter = ("recommendation__review__partnership", "status", "owner")
    list_select_related = ("owner", "recommendation", "recommendation__review")
    search_fields = ("description", "recommendation__review__reference")


@admin.register(ActionUpdate)
class ActionUpdateAdmin(AuditedInlinesMixin, AuditedAdmin):
    """History is written by the service only; the admin reads it."""

    list_display = ("action", "user", "at", "from_status", "to_status")
    list_select_related = ("action", "action__recommendation", "action__recommendation__review", "user")
    readonly_fields = ("action", "user", "at", "code", "from_status", "to_status", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskItem)
class RiskItemAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("title", "review", "owner", "likelihood", "impact", "rating", "is_open")
    list_filter = ("partnership", "is_open")
    list_select_related = ("review", "owner")


@admin.register(LearningBriefing)
class LearningBriefingAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("title", "published_on", "partnership")
    list_filter = ("partnership",)
    filter_horizontal = ("reviews",)
