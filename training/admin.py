from django.contrib import admin

from partnership.admin_audit import AuditedAdmin, AuditedInlinesMixin
from training.models import Booking, Course, CourseSession, FeedbackResponse, ImportJob


@admin.register(Course)
class CourseAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("title", "partnership", "duration_hours", "joint_with_adults", "delivery_partner")
    list_filter = ("partnership", "joint_with_adults")
    search_fields = ("title", "topic", "delivery_partner")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("priorities",)


@admin.register(CourseSession)
class CourseSessionAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("reference", "course", "period", "starts_at", "venue", "online", "places_offered")
    list_filter = ("period", "online")
    list_select_related = ("course", "period")
    search_fields = ("reference", "course__title", "venue")


@admin.register(Booking)
class BookingAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("delegate_name", "email", "session", "agency", "organisation_text", "status", "completed")
    list_filter = ("status", "completed", "session__period")
    list_select_related = ("session__course", "agency")
    search_fields = ("delegate_name", "email", "organisation_text")
    raw_id_fields = ("session",)


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("booking", "met_aims", "more_competent", "consent_to_quote")
    list_select_related = ("booking__session__course",)
    raw_id_fields = ("booking",)


@admin.register(ImportJob)
class ImportJobAdmin(AuditedInlinesMixin, AuditedAdmin):
    list_display = ("pk", "period", "original_name", "status", "total_rows", "created_at")
    readonly_fields = ("status", "total_rows", "new_rows", "updated_rows", "unchanged_rows", "errors")
