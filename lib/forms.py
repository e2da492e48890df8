"""What every portal form shares: error messages that say what to do, in GOV.UK's words.

Django's "This field is required." names neither the field nor the fix, and a form with
four empty fields says it four times over. Every portal form mixes in `PortalFormMixin`,
which gives each required field a message of its own, from its label and its kind:
"Enter the event ID", "Select a course", "Choose a file to upload". A field that sets its
own message keeps it.
"""

from __future__ import annotations

from django import forms

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


def _lower_first(label: str) -> str:
    # "Event ID" -> "event ID"; an acronym at the start ("CSV file") keeps its capitals.
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def required_message(field: forms.Field, name: str) -> str:
    """A message for an empty required field that says what to do."""
    label = str(field.label or name.replace("_", " ")).strip().rstrip(":?")
    what = _lower_first(label)
    if isinstance(field, forms.FileField):
        return f"Choose a file to upload for {what}."
    if isinstance(field, forms.BooleanField):
        return f"Tick the box to confirm: {what}."
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.MultipleChoiceField):
        return f"Select {what}."
    if isinstance(field, forms.DateTimeField):
        return f"Enter {what} as a date and time, for example 1 October 2019 09:30."
    if isinstance(field, forms.DateField):
        return f"Enter {what} as a date, for example 1 October 2019."
    return f"Enter {what}."


class PortalFormMixin:
    """Mixed into every portal form (before forms.Form or forms.ModelForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if str(field.error_messages.get("required", "")) == DJANGO_REQUIRED:
                field.error_messages = {**field.error_messages, "required": required_message(field, name)}
