from django.contrib import admin
from django.test import RequestFactory

from partnership.models import AuditEntry
from reports.models import ReminderSent, SectionRevision


def test_audit_entries_revisions_and_reminders_cannot_be_added_changed_or_deleted_in_admin():
    request = RequestFactory().get("/admin/")
    for model in (AuditEntry, SectionRevision, ReminderSent):
        model_admin = admin.site._registry[model]
        assert (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        ) == (False, False, False), model.__name__


def test_published_reports_and_sign_offs_are_read_only_in_admin():
    from reports.models import PublishedReport, SignOff

    request = RequestFactory().get("/admin/")
    for model in (PublishedReport, SignOff):
        model_admin = admin.site._registry[model]
        assert (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        ) == (False, False, False), model.__name__
