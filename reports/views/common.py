from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect


def post_only(request) -> HttpResponseNotAllowed | None:
    """405 for anything but POST; checked after access, so outsiders still get 404 and others 403."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


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
