"""The Django admin is for operators, and what they change is audited like any other change.

`AuditedAdmin` records each add, change and delete, its inline rows included, with the
before and after values of every field, in the same transaction as the change (the admin
wraps each save in one).
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict

from lib.reauth import recent_sign_in_required
from partnership.audit import audit_record, changes_between


def partnership_of(obj):
    """The partnership an object belongs to, following partnership, period, agency or section links."""
    for path in (
        "partnership",
        "period.partnership",
        "agency.partnership",
        "course.partnership",
        "spec.period.partnership",
    ):
        target = obj
        for name in path.split("."):
            target = getattr(target, name, None)
            if target is None:
                break
        if target is not None:
            return target
    return obj if obj._meta.label == "partnership.Partnership" else None


def _plain(value):
    """A field's value as JSON can hold it: related objects by primary key, files by name."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return sorted(_plain(item) for item in value)
    if hasattr(value, "read"):
        return value.name or ""
    return value


def _values(obj) -> dict:
    return {name: _plain(value) for name, value in model_to_dict(obj).items()}


def _stored_values(obj) -> dict:
    # The form has already written its input onto obj, so the values before come from the database.
    with transaction.atomic():
        return _values(type(obj)._default_manager.select_for_update().get(pk=obj.pk))


def _inline_changes(formset) -> list[tuple[object, str, dict]]:
    found = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        deleted = formset.can_delete and formset._should_delete_form(form)
        if deleted and form.instance.pk is None:
            continue  # a new row ticked for deletion is never saved
        code = (
            "partnership.admin.deleted"
            if deleted
            else "partnership.admin.changed"
            if form.instance.pk
            else "partnership.admin.added"
        )
        changes = {
            name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
            for name in form.changed_data
            if name != "DELETE"
        }
        found.append((form.instance, code, changes))
    return found


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made here, inline rows included, leaves an entry with before and after values."""

    def save_model(self, request, obj, form, change):
        form.audit_before = _stored_values(obj) if change and obj.pk else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Recorded once the many-to-many fields and inlines are saved, so 'after' is what was stored;
        # the admin calls save_related straight after save_model, in the same transaction.
        super().save_related(request, form, formsets, change)
        code = "partnership.admin.changed" if change else "partnership.admin.added"
        self._audit(request, form.instance, code, getattr(form, "audit_before", {}))

    def save_formset(self, request, form, formset, change):
        # Each inline row added, changed or deleted on the page gets its own entry.
        pending = _inline_changes(formset)
        super().save_formset(request, form, formset, change)
        for obj, code, changes in pending:
            audit_record(
                code=code,
                actor=request.user,
                partnership=partnership_of(obj),
                target=obj if obj.pk and code != "partnership.admin.deleted" else None,
                target_label=str(obj),
                data={"model": str(obj._meta.verbose_name), "changes": changes},
            )

    def delete_model(self, request, obj):
        self._audit(request, obj, "partnership.admin.deleted", _values(obj), deleting=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete action runs outside a transaction: a refused delete must not leave entries behind.
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "partnership.admin.deleted", _values(obj), deleting=True)
            super().delete_queryset(request, queryset)

    def _audit(self, request, obj, code: str, before: dict, deleting: bool = False) -> None:
        after = {} if deleting else _values(obj)
        audit_record(
            code=code,
            actor=request.user,
            partnership=partnership_of(obj),
            target=None if deleting else obj,
            target_label=str(obj),
            data={
                "model": str(obj._meta.verbose_name),
                "changes": changes_between(before, after) if not deleting else {},
                "before": before if deleting else {},
            },
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: nobody adds, changes or deletes it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedInlinesMixin:
    """Kept for the admin classes that still name it: AuditedAdmin now audits inline rows itself."""


class AuditedImportExportAdmin(AuditedInlinesMixin, AuditedAdmin):
    """An ImportExportModelAdmin base whose exports and confirmed imports are audited too, and whose
    exports, like every export of the portal, ask for the password or a code again unless the sign-in
    is recent (lib.reauth)."""

    def export_action(self, request, *args, **kwargs):
        export = super().export_action
        return recent_sign_in_required(lambda request, *a, **k: export(request, *a, **k))(request, *args, **kwargs)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            code="partnership.export.made",
            actor=request.user,
            data={
                "rows": queryset.count(),
                "what": str(self.model._meta.verbose_name_plural),
                "format": file_format.get_title(),
            },
        )
        return data

    def process_dataset(self, dataset, form, request, **kwargs):
        # The entry is written in the import's own transaction, so it exists exactly when the rows do.
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)
            if not (result.has_errors() or result.has_validation_errors()):
                self._audit_import(result, request)
        return result

    def _audit_import(self, result, request) -> None:
        totals = {str(key): value for key, value in result.totals.items()}
        audit_record(
            code="partnership.import.made",
            actor=request.user,
            data={
                "rows": sum(totals.get(kind, 0) for kind in ("new", "update", "delete")),
                "what": str(self.model._meta.verbose_name_plural),
                "totals": totals,
            },
        )
