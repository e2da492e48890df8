from __future__ import annotations

from django.shortcuts import redirect

from lib.views import post_only

__all__ = ["add_formset_errors", "post_only", "to_section"]


def to_section(section):
    period = section.spec.period
    return redirect("reports:section", period.partnership.slug, period.slug, section.spec.slug)


def add_formset_errors(form, label: str, formset) -> None:
    """Copy a formset's errors into the main form's summary, naming the item."""
    for error in formset.non_form_errors():
        form.add_error(None, f"{label}: {error}")
    for number, errors in enumerate(formset.errors, start=1):
        for field, messages in errors.items():
            for message in messages:
                where = "" if field == "__all__" else f" ({field.replace('_', ' ')})"
                form.add_error(None, f"{label} {number}{where}: {message}")
