from django.contrib import admin

from partnership.admin_audit import ReadOnlyAdmin
from reports.models import (
    Challenge,
    Comment,
    PublishedReport,
    ReminderSent,
    Section,
    SectionRevision,
    SectionSpec,
    SignOff,
)


@admin.register(SectionSpec)
class SectionSpecAdmin(admin.ModelAdmin):
    list_display = ("position", "title", "period", "kind", "owner_agency", "author")
    list_filter = ("period__partnership", "period", "kind", "author")
    list_select_related = ("period__partnership", "owner_agency")
    search_fields = ("title", "slug")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """States change only through the workflow services, so they are shown, not edited, here."""

    list_display = ("spec", "state", "updated_at")
    list_filter = ("spec__period", "state")
    list_select_related = ("spec__period",)
    readonly_fields = ("spec", "state", "current_revision", "approved_revision", "state_changed_at")
    autocomplete_fields = ("contributors",)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a section would take its revisions, comments and challenges with it.
        return False


@admin.register(SectionRevision)
class SectionRevisionAdmin(ReadOnlyAdmin):
    list_display = ("section", "number", "author", "created_at")
    list_select_related = ("section__spec", "author")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("revision", "author", "created_at")
    list_select_related = ("revision__section__spec", "author")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("section", "state", "raised_by", "created_at")
    list_filter = ("state",)
    list_select_related = ("section__spec", "raised_by")
    readonly_fields = ("state", "answered_by", "answered_at", "closed_by", "closed_at")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ("section", "kind", "created_at")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ("period", "statutory_role", "signatory_name", "signed_at")
    list_filter = ("statutory_role",)
    list_select_related = ("period__partnership",)


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin):
    """Published versions are frozen: a correction is a new version, published from the report page."""

    list_display = ("period", "number", "published_at", "pdf_state")
    list_select_related = ("period__partnership",)
