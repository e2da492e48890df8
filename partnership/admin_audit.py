"""The Django admin is for operators, and what they change is audited like any other change.

`AuditedAdmin` records each add, change and delete with the before and after values of
every field, in the same transaction as the change (the admin wraps each save in one).
"""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import model_to_dict

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


def _values(obj) -> dict:
    return {name: value for name, value in model_to_dict(obj).items() if not hasattr(value, "read")}


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made here leaves an audit entry with before and after values."""

    def save_model(self, request, obj, form, change):
        before = _values(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "partnership.admin.changed" if change else "partnership.admin.added", before)

    def delete_model(self, request, obj):
        self._audit(request, obj, "partnership.admin.deleted", _values(obj), deleting=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
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


def _inline_changes(formset) -> list[tuple[object, str, dict]]:
    found = []
    for form in formset.forms:
        if not form.has_changed() or form.instance is None:
            continue
        deleted = formset.can_delete and formset._should_delete_form(form)
        code = (
            "partnership.admin.deleted"
            if deleted
            else "partnership.admin.changed"
            if form.instance.pk
            else "partnership.admin.added"
        )
        changes = {
            name: [form.initial.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
            if name != "DELETE"
        }
        found.append((form.instance, code, changes))
    return found


class AuditedInlinesMixin:
    """Inline rows changed on an admin page are audited one by one."""

    def save_formset(self, request, form, formset, change):
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


class AuditedImportExportAdmin(AuditedInlinesMixin, AuditedAdmin):
    """An ImportExportModelAdmin base whose exports and confirmed imports are audited too."""

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            code="partnership.export.made",
            actor=request.user,
            data={
                "rows": queryset.count(),
                "what": str(self.model._meta.verbose_name_plural),
                "format": str(file_format),
            },
        )
        return data

    def process_result(self, result, request):
        response = super().process_result(result, request)
        totals = {str(key): value for key, value in result.totals.items()}
        audit_record(
            code="partnership.import.made",
            actor=request.user,
            data={"rows": sum(totals.values()), "what": str(self.model._meta.verbose_name_plural), "totals": totals},
        )
        return response
