from __future__ import annotations

from django.shortcuts import redirect

from lib.views import post_only

__all__ = ["formset_errors", "post_only", "to_section"]


def to_section(section):
    period = section.spec.period
    return redirect("reports:section", period.partnership.slug, period.slug, section.spec.slug)


def formset_errors(label: str, formset) -> list[tuple[str, str]]:
    """A formset's errors for the page's error summary, each as (the id it links to, the message naming the item)."""
    found = [(formset.prefix, f"{label}s: {error}") for error in formset.non_form_errors()]
    for number, bound in enumerate(formset.forms, start=1):
        # A form ticked for removal is not judged (formset.errors leaves it out, so it cannot be zipped with forms).
        if formset.can_delete and formset._should_delete_form(bound):
            continue
        for field, messages in bound.errors.items():
            anchor = f"{formset.prefix}-{number - 1}" if field == "__all__" else bound[field].id_for_label
            where = "" if field == "__all__" else f" ({bound.fields[field].label or field.replace('_', ' ')})"
            found += [(anchor, f"{label} {number}{where}: {message}") for message in messages]
    return found
